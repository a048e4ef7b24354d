"""统一社会信用代码 (GB 32100-2015) and the 组织机构代码 (GB 11714-1997) inside it."""

from dataclasses import dataclass

from stdnum.cn import uscc

# GB 32100-2015 code set: digits and 21 capital letters (no I, O, S, V, Z).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class CreditCodeError:
    message: str
    expected_check: str | None = None


def credit_check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must already be in the code set).

    Only python-stdnum's check-character arithmetic is used, not `uscc.validate`: that also refuses a letter
    in the first 8 positions (登记管理部门/机构类别 codes such as A, N, Y are letters) and strips inner
    spaces and dashes, which check_credit_code does not."""
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    return uscc.calc_check_digit(first17)


def org_code_check_character(first8: str) -> str:
    """GB 11714 check character of an 8-character 组织机构代码 body: 0-9 or X."""
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def check_credit_code(code: str) -> CreditCodeError | None:
    """None when valid; otherwise the reason in Chinese (and the expected check character, if known)."""
    code = normalise(code)
    if len(code) != 18:
        return CreditCodeError(f"统一社会信用代码应为18位，当前为{len(code)}位。")
    bad = [ch for ch in code if ch not in CREDIT_CHARSET]
    if bad:
        return CreditCodeError(
            f"统一社会信用代码含有不允许的字符“{bad[0]}”（只允许数字和除 I、O、S、V、Z 以外的大写字母）。"
        )
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        return CreditCodeError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”。", expected_check=expected
        )
    return None


def org_code_of(credit_code: str) -> str:
    """The 9-character 组织机构代码 (positions 9–17) inside a 统一社会信用代码."""
    return normalise(credit_code)[8:17]


def make_credit_code(registration: str, division_code: str, org_body8: str) -> str:
    """Build a valid code from the 2-character 登记管理部门+机构类别 prefix, the 6-digit 行政区划代码 and an
    8-character organisation-code body (used by the demo generator and tests)."""
    org_code = org_body8 + org_code_check_character(org_body8)
    first17 = registration + division_code + org_code
    return first17 + credit_check_character(first17)
