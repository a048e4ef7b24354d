"""Finding and masking personal data in text that is about to be published: the one detector shared by the
masking of public text (a letter's public reply, a consultation comment — the privacy masking rule,
docs/law/web.md §3) and the catalogue's 保密审查 scan of a document's body and attachments (catalog.pii_review).

What it finds (`scan` returns each hit with its span in the original text):

- 居民身份证号码: 18 characters, the check character right (GB 11643, `stdnum.cn.ric`) and a real birth date;
- mobile numbers: 1[3-9] + 9 digits, optionally after +86 / 86 / 0086;
- landline numbers: an area code (010, 02x, or 0 + three digits) and a 7–8 digit number starting 2–9; a bare
  7–8 digit number only right after 电话/手机/座机/联系方式/Tel;
- bank card numbers: 16–19 digits passing the Luhn check (in one block, or in blocks of 3–6 digits);
- e-mail addresses;
- postal addresses — a HEURISTIC: a house number (88号, 3号楼, 2单元, 301室, 三组 …) right after a run of
  place words ending in 省/市/县/区/旗/乡/镇/街道/村/路/街/巷/弄/胡同/小区 …; an address without a house number
  (or one written in words only) is not found, and a public office's address is found too (the review decides);
- known values of the person concerned (name, phone, address) passed as `extra`.

Numbers are found in half- and full-width forms (the text is NFKC-normalised first, character by character:
１３９ → 139) and with
spaces, dots, hyphens, slashes or brackets between digit groups (139 9512 3456, 139.9512.3456,
(0953)6012345, 110105 19491231 002X). A masked span covers the separators too. The detector errs on the side
of finding: staff still read what they publish, and the 保密审查 asks for a decision on every hit."""

import re
import unicodedata
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric

ID_NUMBER = "id_number"
PHONE = "phone"
EMAIL = "email"
BANK_CARD = "bank_card"
ADDRESS = "address"
KNOWN = "known"

LABELS = {
    ID_NUMBER: "身份证号码",
    PHONE: "电话号码",
    EMAIL: "电子邮箱",
    BANK_CARD: "银行卡号",
    ADDRESS: "住址",
    KNOWN: "来信人的姓名、联系方式或地址",
}
ORDER = (ID_NUMBER, PHONE, EMAIL, BANK_CARD, ADDRESS, KNOWN)


@dataclass(frozen=True)
class Hit:
    kind: str  # one of ORDER
    start: int  # span in the original text
    end: int
    text: str  # the original characters

    @property
    def label(self) -> str:
        return LABELS[self.kind]


# ---------------------------------------------------------------------------------------------- normalising

# Dashes and dots that NFKC leaves alone but people type between digits.
_EXTRA = {"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "ー": "-", "・": ".", "·": ".",
          "。": ".", "、": " "}


def _fold_table() -> dict[int, str]:
    """NFKC for every BMP character whose NFKC form is one character (full-width digits, letters, brackets
    and punctuation, the ideographic space, circled digits, compatibility ideographs …), plus _EXTRA. Kept
    to one character so that positions in the folded text are positions in the original: str.translate
    then does the work at C speed, even on an attachment's million characters."""
    table = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    table.update({ord(k): v for k, v in _EXTRA.items()})
    return table


_FOLD = _fold_table()


def normalise(text: str) -> str:
    """The text NFKC-folded character by character (see _fold_table): same length, same positions."""
    return text.translate(_FOLD)


# ---------------------------------------------------------------------------------------------- numbers

# Digit groups separated by up to three separator characters; an X may end a group (ID check character).
_SEP = r"[ \t\u00a0.\-_/()]"
_GROUP = r"[0-9]+(?:[Xx](?![A-Za-z]))?"
_RUN = re.compile(rf"(?<![0-9A-Za-z])(?:\+|\(\+?)?{_GROUP}(?:{_SEP}{{1,3}}{_GROUP})*")
_GROUP_RE = re.compile(_GROUP)
_PHONE_CONTEXT = re.compile(r"(?:电话|手机|座机|联系方式|联系电话|tel|Tel|TEL)[:：\s]*$")
MAX_DIGITS = 19  # the longest number found: a 19-digit card (an ID has 18, 0086 + a mobile 15)


def _is_resident_id(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] in "Xx"):
        return False
    if value[0] == "0":
        return False
    try:
        ric.get_birth_date(value)
    except Exception:  # noqa: BLE001 - stdnum raises its own ValidationError subclasses
        return False
    return ric.calc_check_digit(value) == value[17].upper()  # stdnum ignores the last character given


def _mobile(digits: str) -> bool:
    return len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789"


def _phone_kind(digits: str, prefix: str, before: str) -> bool:
    if _mobile(digits):
        return True
    for country in ("0086", "86"):  # +86 139…, 0086 139…, 86-139…
        if digits.startswith(country) and _mobile(digits[len(country):]):
            return True
    if prefix:
        return False
    if digits.startswith("0") and len(digits) in (11, 12) and digits[1] != "0":
        area = 3 if digits[1] in "12" else 4  # 010, 02x; otherwise 0 + three digits
        subscriber = digits[area:]
        return len(subscriber) in (7, 8) and subscriber[0] in "23456789"
    return len(digits) in (7, 8) and digits[0] in "23456789" and bool(_PHONE_CONTEXT.search(before))


def _card(groups: list[str]) -> bool:
    digits = "".join(groups)
    if not (16 <= len(digits) <= 19) or not digits.isdigit() or digits[0] == "0":
        return False
    if len(groups) > 1 and any(not 3 <= len(g) <= 6 for g in groups[:-1]):
        return False
    return luhn.is_valid(digits)


def _classify(groups: list[str], prefix: str, before: str) -> str | None:
    value = "".join(groups)
    if _is_resident_id(value):
        return ID_NUMBER
    if not value.isdigit():
        return None
    if _phone_kind(value, prefix, before):
        return PHONE
    if _card(groups):
        return BANK_CARD
    return None


def _number_hits(norm: str) -> list[tuple[str, int, int]]:
    hits = []
    for run in _RUN.finditer(norm):
        prefix = "(+" if run.group().startswith("(+") else "+" if run.group().startswith("+") else ""
        groups = list(_GROUP_RE.finditer(run.group()))
        # A leading "+" belongs to the number ("+86 139…"), a "(" only around an area code ("(0953)601…").
        if prefix:
            lead = run.start() + prefix.index("+")
        elif run.group().startswith("(") and run.group()[groups[0].end():].startswith(")"):
            lead = run.start()
        else:
            lead = run.start() + groups[0].start()
        i = 0
        while i < len(groups):
            found = None
            # The longest sequence of whole groups starting here that is something; then go on after it.
            total, last = 0, i
            while last < len(groups) and total + len(groups[last].group()) <= MAX_DIGITS:
                total += len(groups[last].group())
                last += 1
            for j in range(last, i, -1):
                start = run.start() + groups[i].start()
                kind = _classify([g.group() for g in groups[i:j]], prefix if i == 0 else "",
                                 norm[max(0, start - 12):start])
                if kind:
                    found = (kind, lead if i == 0 else start, run.start() + groups[j - 1].end(), j)
                    break
            if found:
                hits.append(found[:3])
                i = found[3]
            else:
                i += 1
    return hits


# ---------------------------------------------------------------------------------------------- e-mail, address

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

_HOUSE_NUMBER = re.compile(
    r"(?:[0-9]+(?:[-之][0-9]+)*(?:号院|号楼|号|栋|幢|单元|层|楼|室|户)"
    r"|[一二三四五六七八九十百零〇两]+(?:组|队|社|号))"
    r"(?:[0-9一二三四五六七八九十]+(?:[-之][0-9]+)*(?:号楼|号|栋|幢|单元|层|楼|室|户))*")
_PLACE_MARKERS = ("自治区", "自治州", "自治县", "街道", "胡同", "小区", "社区", "大街", "大道", "新村", "花园", "大厦",
                  "省", "市", "州", "盟", "县", "区", "旗", "乡", "镇", "村", "路", "街", "巷", "弄", "里")
_LEAD_INS = re.compile(r".*(?:住在|住址|地址|家住|位于|居住|现住|户籍|籍贯|我在|住|在|是)")
_PLACE_CHAR = re.compile(r"[\u4e00-\u9fff0-9A-Za-z\-]")
_ADDRESS_WINDOW = 30


def _address_hits(norm: str) -> list[tuple[str, int, int]]:
    hits = []
    for number in _HOUSE_NUMBER.finditer(norm):
        start = number.start()
        begin = start
        while begin > 0 and start - begin < _ADDRESS_WINDOW and _PLACE_CHAR.match(norm[begin - 1]):
            begin -= 1
        place = norm[begin:start]
        positions = [place.rfind(marker) + len(marker) for marker in _PLACE_MARKERS if marker in place]
        if not positions or max(positions) < len(place) - 12:
            continue  # no place word close before the number: "第3号文件", "2019年第123号"
        lead = _LEAD_INS.match(place[: min(p for p in positions)])
        if lead:
            begin += lead.end()
            place = norm[begin:start]
        # The place must carry at least two characters before its marker ("X路"), not the marker alone.
        if len(place) < 2 or place in _PLACE_MARKERS:
            continue
        hits.append((ADDRESS, begin, number.end()))
    return hits


# ---------------------------------------------------------------------------------------------- entry points


def _known(text: str, extra) -> list[tuple[str, int, int]]:
    hits = []
    values = sorted({v.strip() for v in extra if v and len(v.strip()) >= 2}, key=len, reverse=True)
    for value in values:
        for match in re.finditer(re.escape(value), text):
            hits.append((KNOWN, match.start(), match.end()))
    return hits


def scan(text: str, extra: tuple[str, ...] = (), kinds=ORDER) -> list[Hit]:
    """Every finding in `text` of the given kinds, in order, without overlaps (the earlier, then the longer,
    wins); spans are in the original text, whatever its width or separators."""
    text = text or ""
    if not text:
        return []
    norm = normalise(text)
    found = _number_hits(norm) + [(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(norm)] + _address_hits(norm)
    spans = [(kind, s, e) for kind, s, e in found if e > s and kind in kinds]
    spans += _known(text, extra) if KNOWN in kinds else []
    hits, taken_until = [], -1
    for kind, start, end in sorted(spans, key=lambda h: (h[1], -(h[2] - h[1]))):
        if start < taken_until:
            continue
        hits.append(Hit(kind, start, end, text[start:end]))
        taken_until = end
    return hits


def find_pii(text: str, extra: tuple[str, ...] = (), kinds=ORDER) -> list[str]:
    """What in `text` looks like personal data, named in Chinese once per kind in a fixed order (empty when
    nothing). `extra` are known values (the writer's name, phone, address) that must not appear either."""
    found = {hit.kind for hit in scan(text, extra, kinds)}
    # A known value also found as a number or an address (the writer's phone) is still named as known.
    known = [v.strip() for v in extra if v and len(v.strip()) >= 2]
    if KNOWN in kinds and any(value in (text or "") for value in known):
        found.add(KNOWN)
    return [LABELS[kind] for kind in ORDER if kind in found]


def mask_pii(text: str, extra: tuple[str, ...] = (), kinds=ORDER) -> str:
    """The text with every finding replaced by asterisks of the same length (separators included)."""
    text = text or ""
    hits = scan(text, extra, kinds)
    if not hits:
        return text
    parts, position = [], 0
    for hit in hits:
        parts.append(text[position:hit.start])
        parts.append("*" * (hit.end - hit.start))
        position = hit.end
    parts.append(text[position:])
    return "".join(parts)
