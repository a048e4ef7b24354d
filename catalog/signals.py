"""What catalog announces to other apps, so that it never imports them.

`document_changed(sender=Document, document_id=…)` is sent after the commit of every change that can alter
what the public sees of a document (publish, withdraw, validity change): the search app re-indexes it
(search.apps)."""

from django.dispatch import Signal

document_changed = Signal()
