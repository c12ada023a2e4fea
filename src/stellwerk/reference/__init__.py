"""Loaders over the packaged reference data: gazetteer and occupation taxonomy."""
