"""`gongkai search-index …`, the spelling in the documentation: the same command as search_index (a module
name cannot contain "-", but Django finds commands by file name)."""

from .search_index import Command  # noqa: F401
