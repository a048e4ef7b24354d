"""Who is acting and from where, for the audit trail, without threading `request` through services."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None
    ip_address: str | None = None
    label: str = ""


_current: ContextVar[Actor | None] = ContextVar("gongkai_actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


@contextmanager
def acting_as(user=None, ip_address: str | None = None, label: str = ""):
    """Used by the middleware for web requests and by commands/tasks (label e.g. "系统任务")."""
    token = _current.set(Actor(user=user, ip_address=ip_address, label=label))
    try:
        yield
    finally:
        _current.reset(token)
