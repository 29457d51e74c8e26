"""Rendering: Indonesian formatting, the Jinja environment, HTML to PDF and DOCX."""
