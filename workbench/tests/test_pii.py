"""gongkai.pii: what the detector used before publishing (the privacy masking rule, docs/law/web.md §3)
finds, and how it masks."""

import pytest

from gongkai.pii import find_pii, mask_pii

VALID_ID = "11010519491231002X"  # check character X is right for these 17 digits
WRONG_CHECK_ID = "110105194912310021"
LUHN_CARD = "4111111111111111"
NOT_LUHN_CARD = "4111111111111112"


@pytest.mark.parametrize("number", [VALID_ID, VALID_ID.lower(), f"身份证号{VALID_ID}。"])
def test_resident_id_with_a_valid_check_character_is_found(number):
    assert find_pii(number) == ["身份证号码"]


def test_resident_id_with_a_wrong_check_character_is_not_personal_data():
    assert find_pii(WRONG_CHECK_ID) == []
    assert mask_pii(WRONG_CHECK_ID) == WRONG_CHECK_ID


@pytest.mark.parametrize("text", ["13995123456", "请拨打 139-9512-3456", "+86 13995123456", "电话0953-6012345"])
def test_mobile_and_landline_numbers_are_found(text):
    assert find_pii(text) == ["电话号码"]


def test_numbers_that_are_not_phones_are_left_alone():
    for text in ["12345678901", "2019年第123号文件", "共有 1395 件"]:
        assert find_pii(text) == [], text


def test_email_addresses_are_found():
    assert find_pii("请回复 ma.wenjing@example.cn 谢谢") == ["电子邮箱"]


def test_bank_cards_are_found_only_when_the_luhn_check_passes():
    assert find_pii(f"卡号{LUHN_CARD}") == ["银行卡号"]
    assert find_pii(f"卡号{NOT_LUHN_CARD}") == []
    assert mask_pii(NOT_LUHN_CARD) == NOT_LUHN_CARD


def test_known_values_such_as_the_name_and_address_are_found():
    text = "我是马文静，家在盐池县花马池镇盐州路。"
    assert find_pii(text) == []  # no house number: not an address for the heuristic
    assert find_pii(text, ("马文静",)) == ["来信人的姓名、联系方式或地址"]
    assert find_pii(text, ("盐池县花马池镇盐州路",)) == ["来信人的姓名、联系方式或地址"]
    assert find_pii(text, ("马", " ", "")) == []  # values shorter than two characters say nothing
    # With a house number the address is found by itself, and still named as the writer's when known.
    assert find_pii("住盐池县花马池镇盐州路88号") == ["住址"]
    assert find_pii("住盐池县花马池镇盐州路88号", ("盐州路88号",)) == ["住址", "来信人的姓名、联系方式或地址"]


def test_every_kind_is_named_once_in_a_fixed_order():
    text = f"{VALID_ID} 13995123456 a@b.cn {LUHN_CARD} 马文静 {VALID_ID}"
    assert find_pii(text, ("马文静",)) == ["身份证号码", "电话号码", "电子邮箱", "银行卡号", "来信人的姓名、联系方式或地址"]


def test_mask_replaces_each_finding_with_asterisks_of_the_same_length():
    text = f"马文静，身份证{VALID_ID}，手机13995123456，邮箱a@b.cn，卡号{LUHN_CARD}，住盐州路88号。"
    masked = mask_pii(text, ("马文静", "盐州路88号"))
    assert len(masked) == len(text)
    assert masked == (f"***，身份证{'*' * 18}，手机{'*' * 11}，邮箱{'*' * 6}，卡号{'*' * 16}，住{'*' * 6}。")
    assert find_pii(masked, ("马文静", "盐州路88号")) == []


def test_mask_prefers_the_longest_known_value():
    assert mask_pii("张三丰和张三", ("张三", "张三丰")) == "***和**"


def test_empty_text_is_safe():
    assert find_pii("") == [] and find_pii(None) == []
    assert mask_pii("") == "" and mask_pii(None) == ""
