"""Spreadsheets → records and back: reader (xlsx/csv), importer (all or nothing), exporter and template.

The column layout and the cell ↔ value rules are in records/columns.py and records/cells.py,
which the open-data CSV shares.
"""
