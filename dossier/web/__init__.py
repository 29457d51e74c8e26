"""`dossier serve`: the season in a browser, over the same workspace folder the CLI uses.

store.py keeps the accounts, the audit trail and the jobs (SQLite in .dossier/);
auth.py signs sessions and says what each role may do; season.py reads the year as the
pages show it; uploads.py files what is sent; jobs.py runs CLI commands as child
processes; app.py holds the routes; server.py starts uvicorn.
"""
