"""Postings, employers, places, occupations and the raw source records behind them."""
