"""Checks of the identity proof given at intake (第二十九条: 身份证明)."""

from datetime import date

from stdnum.cn import ric

from orgs.credit_code import check_credit_code


def resident_id_check_character(first17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2), by python-stdnum (docs/dependencies.md); the same computation as
    gongkai.pii's detector. stdnum takes the whole 18-character number and ignores its last character."""
    return ric.calc_check_digit(first17 + "0")


def resident_id_error(number: str, today: date | None = None) -> str | None:
    """GB 11643-1999 居民身份证号码: 17 digits + check character, with a real birth date. None when valid."""
    value = "".join((number or "").split()).upper()
    if len(value) != 18:
        return f"居民身份证号码应为18位，当前为{len(value)}位。"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "居民身份证号码前17位应为数字，第18位为数字或X。"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"居民身份证号码中的出生日期“{value[6:14]}”不存在。"
    if born.year < 1900 or born > (today or date.today()):
        return f"居民身份证号码中的出生日期“{born:%Y-%m-%d}”不合理。"
    expected = resident_id_check_character(value[:17])
    if value[17] != expected:
        return f"居民身份证号码校验位错误：第18位应为“{expected}”，实际为“{value[17]}”。"
    return None


def identity_error(id_type: str, number: str) -> str | None:
    if not (number or "").strip():
        return "请填写身份证明号码。"
    if id_type == "resident_id":
        return resident_id_error(number)
    if id_type == "credit_code":
        error = check_credit_code(number)
        return error.message if error else None
    if len(number.strip()) > 40:
        return "证件号码过长。"
    return None
