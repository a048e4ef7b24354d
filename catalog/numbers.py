"""文号 and 索引号 text rules."""

import re
from dataclasses import dataclass

from django.conf import settings

# 〔2018〕 is the GB/T 9704 form; people type [2018], (2018), （2018）, 【2018】, ［2018］ or 〔2018].
_YEAR_BRACKETS = re.compile(r"[\[\(（【［〔〖]\s*(\d{4})\s*[\]\)）】］〕〗]")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
DOCUMENT_NUMBER = re.compile(r"^(?P<org>[^\s〔〕]{1,30}?)〔(?P<year>\d{4})〕(?P<seq>\d{1,5})号$")


@dataclass(frozen=True)
class DocumentNumber:
    org: str  # 机关代字, e.g. 盐政办发
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.org}〔{self.year}〕{self.seq}号"


def normalise_document_number(text: str) -> str:
    """The canonical spelling: full-width digits folded, year brackets as 〔〕, no spaces, no leading zeros."""
    value = "".join((text or "").split()).translate(_FULL_WIDTH_DIGITS)
    value = _YEAR_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", value)
    return re.sub(r"〕0+(\d)", r"〕\1", value)


def parse_document_number(text: str) -> DocumentNumber | None:
    match = DOCUMENT_NUMBER.match(normalise_document_number(text))
    if not match:
        return None
    return DocumentNumber(match["org"], int(match["year"]), int(match["seq"]))


def document_number_error(text: str) -> str | None:
    """None when `text` is empty or a well-formed 文号; otherwise why not, in Chinese."""
    if not (text or "").strip():
        return None
    parsed = parse_document_number(text)
    if parsed is None:
        return f"文号“{text}”格式不正确，应为“机关代字〔年份〕序号号”，例如：盐政办发〔2018〕61号。"
    if not 1949 <= parsed.year <= 2100:
        return f"文号中的年份“{parsed.year}”不合理。"
    return None


def format_index_number(prefix: str, year: int, serial: int) -> str:
    return settings.GONGKAI_INDEX_NUMBER_PATTERN.format(prefix=prefix, year=year, serial=serial)


INDEX_NUMBER = re.compile(r"^[0-9A-Za-z\-_]{1,40}/\d{4}(\d{2})?-\d{1,8}$")


def index_number_error(text: str) -> str | None:
    """For imported catalogues: the observed 前缀/年-流水 family of formats (the index number rule,
    docs/law/proactive-disclosure.md §3)."""
    if INDEX_NUMBER.match((text or "").strip()):
        return None
    return f"索引号“{text}”格式不正确，应为“机构代码/年份-流水号”，例如：640323001/2018-00061。"
