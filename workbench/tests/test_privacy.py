"""gongkai.privacy: masking and keyed hashes of personal identifiers."""

from gongkai.privacy import decrypt, encrypt, identity_key, mask


def test_mask_keeps_only_the_requested_ends():
    assert mask("11010519491231002X", 6, 4) == "110105********002X"
    assert mask("13995123456", 3, 0) == "139********"
    assert mask("张三", 1, 1) == "**"
    assert mask("", 1, 1) == ""


def test_encryption_round_trip_and_keyed_hash(settings):
    token = encrypt("盐池县花马池镇盐州路88号")
    assert "盐州路" not in token and decrypt(token) == "盐池县花马池镇盐州路88号"
    assert identity_key("11010519491231002x") == identity_key(" 11010519491231002X ")
    settings.GONGKAI_FIELD_KEYS = ["5Dm4CJ2bPzS2xUuq0B2fbnS-WS8dEwI4m1s-Fq_mVGk="]
    assert decrypt(token) == "［无法解密：密钥不匹配］"  # a wrong key never leaks or crashes
