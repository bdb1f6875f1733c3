"""Where and what to check: configuration, globs, file discovery, git, processes."""
