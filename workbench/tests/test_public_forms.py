"""gongkai.public_forms: the per-IP rate limit and the signed arithmetic question shared by every public
form (依申请公开, 领导信箱, 意见征集)."""

import time
from datetime import date

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache

from gongkai import public_forms
from gongkai.public_forms import (
    DateInput,
    HumanCheckMixin,
    PlainForm,
    RateLimit,
    check_challenge,
    issue_challenge,
)


@pytest.fixture(autouse=True)
def _private_cache(settings):
    # Counters and spent tokens live in the cache: a cache of its own, empty, for every test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-public-forms"}}
    cache.clear()
    yield
    cache.clear()


# --- RateLimit -----------------------------------------------------------------------------------------------


def test_the_limit_counts_per_ip():
    limit = RateLimit("test-submit", 3)
    assert [limit.hit("10.0.0.1") for _ in range(3)] == [1, 2, 3]
    assert limit.exhausted("10.0.0.1") and limit.used("10.0.0.1") == 3
    assert limit.hit("10.0.0.1") == 4  # callers compare with .limit; the count goes on
    assert limit.used("10.0.0.2") == 0 and not limit.exhausted("10.0.0.2")
    assert limit.hit("10.0.0.2") == 1


def test_scopes_count_separately_under_a_neutral_prefix():
    submit, lookup = RateLimit("test-submit", 2), RateLimit("test-lookup", 2)
    submit.hit("10.0.0.1")
    submit.hit("10.0.0.1")
    assert submit.exhausted("10.0.0.1") and not lookup.exhausted("10.0.0.1")
    assert cache.get("public:rate:test-submit:10.0.0.1") == 2
    assert cache.get("public:rate:test-lookup:10.0.0.1") is None


def test_an_unknown_ip_shares_one_counter():
    limit = RateLimit("test-submit", 1)
    limit.hit(None)
    assert limit.exhausted(None) and limit.exhausted("")


def test_the_counter_resets_after_the_window(monkeypatch):
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    limit = RateLimit("test-submit", 2)
    limit.hit("10.0.0.1")
    limit.hit("10.0.0.1")
    clock[0] += public_forms.WINDOW_MINUTES * 60 - 1
    assert limit.exhausted("10.0.0.1")  # a fixed window: hits inside it do not extend it
    clock[0] += 2
    assert limit.used("10.0.0.1") == 0 and not limit.exhausted("10.0.0.1")
    assert limit.hit("10.0.0.1") == 1


# --- The human check -----------------------------------------------------------------------------------------


def test_the_question_is_in_chinese_and_the_token_does_not_carry_the_answer():
    for _ in range(50):
        question, token, answer = issue_challenge()
        assert question.endswith("等于多少？") and ("加" in question or "减" in question)
        assert 0 <= answer <= 18
        assert not any(c.isdigit() for c in question)


def test_the_right_answer_passes_once():
    _question, token, answer = issue_challenge()
    assert check_challenge(token, f" {answer} ") is None
    assert check_challenge(token, str(answer)) == "该验证问题已使用过，请回答新的问题。"


def test_full_width_digits_are_accepted():
    _question, token, answer = issue_challenge()
    full_width = "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(answer))
    assert check_challenge(token, full_width) is None


def test_a_wrong_answer_is_refused_and_spends_the_question():
    _question, token, answer = issue_challenge()
    assert check_challenge(token, str(answer + 1)) == "计算结果不正确，请回答新的问题。"
    assert check_challenge(token, str(answer)) == "该验证问题已使用过，请回答新的问题。"


@pytest.mark.parametrize("given", ["", "三", "1.5", "-1", "1234"])
def test_an_answer_that_is_not_a_small_number_is_refused(given):
    _question, token, _answer = issue_challenge()
    assert check_challenge(token, given) == "请用阿拉伯数字填写计算结果。"


def test_a_tampered_missing_or_foreign_token_is_refused():
    _question, token, answer = issue_challenge()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert check_challenge(tampered, str(answer)) == "验证问题已过期，请回答新的问题。"
    assert check_challenge("", str(answer)) == "验证问题已过期，请回答新的问题。"
    foreign = signing.dumps({"n": "x", "h": "y"}, salt="another.salt")
    assert check_challenge(foreign, str(answer)) == "验证问题已过期，请回答新的问题。"
    assert check_challenge(token, str(answer)) is None  # the real token was not spent by the forgeries


class _CommentForm(HumanCheckMixin):
    body = forms.CharField(label="意见")


def test_the_mixin_asks_a_question_and_rejects_a_wrong_answer():
    blank = _CommentForm()
    assert blank.fields["answer"].label.startswith("验证问题：") and blank.initial["challenge"]
    question, token, answer = issue_challenge()
    wrong = _CommentForm({"body": "意见", "challenge": token, "answer": str(answer + 1)})
    assert not wrong.is_valid() and wrong.errors["answer"] == ["计算结果不正确，请回答新的问题。"]
    wrong.new_challenge()
    assert wrong.data["challenge"] != token and wrong.data["answer"] == ""
    _question, token, answer = issue_challenge()
    right = _CommentForm({"body": "意见", "challenge": token, "answer": str(answer)})
    assert right.is_valid(), right.errors


def test_plain_form_has_no_label_suffix_and_dates_are_iso():
    class Form(PlainForm):
        on = forms.DateField(label="日期", widget=DateInput())

    html = str(Form(initial={"on": "2024-03-05"})["on"].label_tag())
    assert "日期</label>" in html and ":" not in html
    widget = DateInput().render("on", date(2024, 3, 5))
    assert 'type="date"' in widget and 'value="2024-03-05"' in widget
