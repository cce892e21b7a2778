"""The demonstration data set for the 2020 plan (``flask --app supervision demo``)."""
