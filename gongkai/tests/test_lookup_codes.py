"""The 查询码 that, with its number, opens a case to the person who submitted it (依申请公开, 领导信箱, 更正申请):
one generator and one comparison, gongkai.public_forms (issue 14: no copy per app)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from gongkai.public_forms import LOOKUP_ALPHABET, LOOKUP_CODE_LENGTH, matching_lookup_code, new_lookup_code


def test_a_new_code_has_eight_characters_none_of_them_misread_aloud():
    codes = {new_lookup_code() for _ in range(500)}
    assert all(len(code) == LOOKUP_CODE_LENGTH and set(code) <= set(LOOKUP_ALPHABET) for code in codes)
    assert not set("".join(codes)) & set("01OI")
    assert len(codes) == 500  # random, not a sequence


@given(st.text(max_size=12))
def test_only_the_case_s_own_code_opens_it(code):
    case = SimpleNamespace(lookup_code="ABCD2345")
    assert matching_lookup_code(case, code) is (case if code == "ABCD2345" else None)
    assert matching_lookup_code(None, code) is None  # an unknown number: nothing, whatever the code


def test_the_stand_in_for_an_unknown_number_matches_no_issued_code():
    assert matching_lookup_code(None, "0" * LOOKUP_CODE_LENGTH) is None
    assert "0" not in LOOKUP_ALPHABET
