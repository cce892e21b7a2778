"""Backups: the database and the uploaded files in one archive, restored into an empty
database and checked against the archive's manifest (``flask backup`` / ``flask restore``)."""
