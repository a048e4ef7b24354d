"""统一社会信用代码 (GB 32100-2015) validation, with real published codes as fixtures."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from orgs.credit_code import (
    CREDIT_CHARSET,
    check_credit_code,
    credit_check_character,
    make_credit_code,
    org_code_check_character,
    org_code_of,
)
from orgs.models import Agency, AgencyKind, AgencyLevel

# Codes printed on business licences and in GB 32100-2015's own example.
REAL_CODES = [
    "91350100M000100Y43",  # the standard's worked example
    "91110000710925462X",  # 中国石油天然气股份有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91110108551385082Q",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert check_credit_code(code) is None
    assert check_credit_code(code.lower()) is None  # typed in lower case by a user


@pytest.mark.parametrize("code", REAL_CODES)
def test_changed_check_character_is_reported_with_the_expected_one(code):
    wrong = "0" if code[-1] != "0" else "1"
    error = check_credit_code(code[:17] + wrong)
    assert error is not None
    assert error.expected_check == code[-1]
    assert f"第18位应为“{code[-1]}”" in error.message


def test_length_and_charset_errors_are_explained():
    assert "应为18位，当前为17位" in check_credit_code("91350100M000100Y4").message
    # I, O, S, V, Z are not in the GB 32100 code set.
    assert "不允许的字符“I”" in check_credit_code("91350100M000100I43").message


def test_org_code_inside_the_credit_code():
    # Positions 9–17 are the GB 11714 组织机构代码, whose own check digit must hold.
    org = org_code_of("91110000710925462X")
    assert org == "710925462"
    assert org_code_check_character(org[:8]) == org[8]


@given(st.text(alphabet=CREDIT_CHARSET, min_size=17, max_size=17))
def test_every_body_has_exactly_one_valid_check_character(body):
    valid = [ch for ch in CREDIT_CHARSET if check_credit_code(body + ch) is None]
    assert valid == [credit_check_character(body)]


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text):
    result = check_credit_code(text)
    assert result is None or result.message


@given(st.sampled_from(["11", "12", "91"]), st.from_regex(r"[0-9]{6}", fullmatch=True),
       st.text(alphabet=CREDIT_CHARSET, min_size=8, max_size=8))
def test_made_codes_are_valid(registration, division, body):
    assert check_credit_code(make_credit_code(registration, division, body)) is None


@pytest.mark.django_db
def test_agency_form_error_names_the_expected_check_character():
    agency = Agency(code="x", name="某局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY,
                    credit_code="91350100M000100Y40")
    with pytest.raises(ValidationError) as info:
        agency.full_clean(exclude=["path", "depth"])
    assert "第18位应为“3”" in str(info.value.message_dict["credit_code"])
