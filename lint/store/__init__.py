"""What a run keeps and reuses: caches, the spill, schemas and the corpus index."""
