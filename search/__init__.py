"""Chinese full-text search over the public catalogue (docs/search.md). The interface is search.services;
the backends are the other modules of this package. It reads catalog's documents; catalog does not import it
(it announces changes with catalog.signals.document_changed, connected in search.apps)."""
