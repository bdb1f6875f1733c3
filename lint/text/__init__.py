"""Text analysis shared by rules: words, quotes, slugs and urls, Markdown, prose regions."""
