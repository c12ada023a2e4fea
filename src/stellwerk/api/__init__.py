"""The open JSON API (django-ninja), OpenAPI docs at /api/docs."""
