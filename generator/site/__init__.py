"""Stage 4b, public model → pages: the MkDocs plugin, page fragments, open data, the atomic build."""
