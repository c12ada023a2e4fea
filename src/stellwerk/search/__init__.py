"""Full-text and radius search: the backend protocol, German analysis, and the tantivy backend."""
