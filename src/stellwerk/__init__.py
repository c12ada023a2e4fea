"""Stellwerk: an open, self-hostable job-market platform for Germany."""

__version__ = "0.1.0"
