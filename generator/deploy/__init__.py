"""Deploying a built site beyond GitHub Pages: what to upload and delete, with which headers."""
