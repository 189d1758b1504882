"""Stage 4c, public model → the yearly funding report files (HTML, CSV, XLSX)."""
