"""Loaders: read arrests, phone records, identifiers and transfers files into canonical records."""
