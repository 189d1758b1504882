"""Git and GitHub → records: CODEOWNERS, ownership, diff summary, PR comment, issue forms, skeletons.

Reads records with the strict loader of stage 1; never imports the site.
"""
