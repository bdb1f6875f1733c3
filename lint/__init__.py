"""hrlint: a content linter for harm-reduction health articles."""

__version__ = "0.1.0"
