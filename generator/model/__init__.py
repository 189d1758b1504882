"""Stage 3, records → public model: consent applied once, funding summaries, history.

Plain data for the views; knows nothing of MkDocs, pages or spreadsheets.
"""
