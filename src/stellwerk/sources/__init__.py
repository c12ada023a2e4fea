"""Connectors and file readers, one module per upstream; they yield domain records."""
