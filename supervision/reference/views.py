"""Reference-data pages (filled in below)."""
