"""Duplicate detection: fingerprints of postings, MinHash/LSH candidates and explainable clusters; pure."""
