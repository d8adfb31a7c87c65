"""Lists and exports for the office, in layers (each imports only from its own layer or below):

models.py    ExportJob, ExportLayout and the kinds and formats
rules.py     who may export; which lists exist only as PDF
queries/     lists.py (rows and columns of participant lists), dashboard.py (the start page's figures)
documents/   pdfs.py (lists, badges, certificates), spreadsheets.py (Excel, CSV)
domain/      files.py (one export as a file), jobs.py (background jobs), dispatch.py (now or as a job)
tasks.py     the background task; imported only by domain/dispatch.py
office/      admin, actions, views, forms, responses (exports/admin.py imports office/admin.py)
"""
