"""Spreadsheets -> model, with errors that name the file, sheet and cell."""
