"""`gongkai audit-trail …`, the spelling in the documentation: the same command as audit_trail (a module name
cannot contain "-", but Django finds commands by file name)."""

from .audit_trail import Command  # noqa: F401
