"""Spreadsheet safety in one place: every XLSX and CSV cell the project writes goes through here.

Text stays text and never runs as a formula (formula or "CSV" injection, OWASP): text that starts with
= + - @, a tab or a carriage return gets an apostrophe in front — and so does text that already starts with
apostrophes followed by one of those, so that `restore` (used by the importers) gives back exactly the
original. A number typed as text ("-5", "+86") is not a formula and is left as it is. Numbers, dates and
booleans stay numbers, dates and booleans. In XLSX, text cells are also stored with the string type (an
"=…" assigned to openpyxl would otherwise become a live formula), and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

TRIGGERS = "=+-@\t\r"
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# What XML 1.0 cannot hold (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, without importing openpyxl).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_PLAIN = (bool, int, float, Decimal, date, datetime, time)


def _needs_guard(text: str) -> bool:
    return bool(_GUARDED.match(text)) and not _NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """`text` as a spreadsheet shows it without running it: "'" + text when it could start a formula."""
    return "'" + text if _needs_guard(text) else text


def restore(text: str) -> str:
    """The inverse of `neutralise`: what an export wrote, as it was before."""
    return text[1:] if text.startswith("'") and _needs_guard(text[1:]) else text


def xlsx_value(value):
    """What to store in an XLSX cell: numbers, dates, booleans and None as they are, anything else as safe
    text."""
    if value is None or isinstance(value, _PLAIN):
        return value
    return neutralise(_ILLEGAL.sub("", str(value)))


def put(cell, value):
    """Set an openpyxl cell (of a normal or write-only sheet) to `value`, text as text."""
    cell.value = xlsx_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def cell(sheet, value, **style):
    """A cell for `sheet.append` (normal and write-only sheets), with optional style attributes
    (font=…, alignment=…, number_format=…)."""
    # lazy: openpyxl (~25 MB, ~0.7 s to import) only when a workbook is made
    from openpyxl.cell import WriteOnlyCell

    made = put(WriteOnlyCell(sheet), value)
    for name, setting in style.items():
        setattr(made, name, setting)
    return made


def append(sheet, values, **style) -> None:
    """Append one row of values to an openpyxl sheet through `cell`."""
    sheet.append([cell(sheet, value, **style) for value in values])


def csv_value(value) -> str:
    """A CSV field: None as "", dates in ISO form, numbers as written, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    return neutralise(str(value))
