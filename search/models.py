"""No models (the index's tables are raw SQL, docs/search.md): the module exists so that Django sends this app
the post_migrate signal (apps.py), which it sends only to apps with a models module."""
