"""Chinese full-text search over the catalogue (being built: see catalog/search/README in the issue).

`document_changed(document_id)` is called after every committed change of a document so that the index
follows publish / withdraw / repeal immediately."""


def document_changed(document_id: int) -> None:
    """Re-index (or drop) one document. Until the index backends land, there is nothing to update."""
