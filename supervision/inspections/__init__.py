"""On-site inspection cases (issue 4): so far only the pure calculation rules."""
