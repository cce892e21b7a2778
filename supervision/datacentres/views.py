"""Data-centre pages (filled in below)."""
