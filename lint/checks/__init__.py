"""Built-in rules, registered through the `hrlint.rules` entry points in pyproject.toml."""
