"""The document model: findings, positions, front-matter tree, scalars, documents."""
