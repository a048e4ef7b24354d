"""Finding and masking personal data in text that is about to be published (a letter's public reply, a
consultation comment, any other publication — the privacy masking rule, docs/law/web.md §3): mobile and
landline numbers, 18-digit resident ID numbers (with their check character), e-mail addresses and bank card
numbers (Luhn), plus known values of the person concerned (name, phone, address) passed as `extra`. A
deliberately small detector: it errs on the side of masking, and staff still read what they publish."""

import re

_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _id_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_pii(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """What in `text` looks like personal data, named in Chinese (empty when nothing). `extra` are known
    values (the writer's name, phone, address) that must not appear either."""
    text = text or ""
    found = []
    if any(_id_ok(m.group()) for m in _ID.finditer(text)):
        found.append("身份证号码")
    if _MOBILE.search(text) or _LANDLINE.search(text):
        found.append("电话号码")
    if _EMAIL.search(text):
        found.append("电子邮箱")
    if any(_luhn_ok(m.group()) for m in _CARD.finditer(text)):
        found.append("银行卡号")
    if any(value and len(value.strip()) >= 2 and value.strip() in text for value in extra):
        found.append("来信人的姓名、联系方式或地址")
    return found


def mask_pii(text: str, extra: tuple[str, ...] = ()) -> str:
    """The text with every finding replaced by asterisks of the same length."""
    text = text or ""
    for pattern, check in ((_ID, _id_ok), (_CARD, _luhn_ok), (_MOBILE, None), (_LANDLINE, None), (_EMAIL, None)):
        text = pattern.sub(lambda m, c=check: m.group() if c and not c(m.group()) else "*" * len(m.group()), text)
    for value in sorted((v.strip() for v in extra if v and len(v.strip()) >= 2), key=len, reverse=True):
        text = text.replace(value, "*" * len(value))
    return text
