"""The public letter pages: the form (hypothesis: never a server error; a letter only when valid), the
receipt and the POST-only status lookup, the rate limits, and privacy of the writer on every public page."""

import itertools
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure_requests import forms as request_forms
from mailboxes.models import Letter

pytestmark = pytest.mark.django_db

serial = itertools.count()


def fresh_challenge(monkeypatch_answer=None):
    question, token, answer = request_forms.issue_challenge()
    return token, answer


def valid_post(**over):
    token, answer = fresh_challenge()
    data = {"name": "马文静", "phone": "13995123456", "email": "", "address": "盐池县盐州路88号",
            "letter_type": "inquiry", "subject": "招生咨询", "body": "请问报名时间？", "publish": "yes",
            "challenge": token, "answer": str(answer)}
    data.update(over)
    return data


def test_write_receipt_and_follow_with_the_code(client, mailbox):
    """docs/law/letters-mailbox.md: a 查询码 on submission; the writer follows the case without any personal
    data shown."""
    url = reverse("mailboxes_public:write", kwargs={"code": mailbox.code})
    assert client.get(url).status_code == 200
    response = client.post(url, valid_post())
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    letter = Letter.objects.get()
    assert letter.number in receipt and letter.lookup_code in receipt and "13995123456" not in receipt
    status_url = reverse("mailboxes_public:status")
    page = client.post(status_url, {"number": letter.number, "lookup_code": letter.lookup_code}).content.decode()
    assert "待甄别" in page and "13995123456" not in page and "马文静" not in page and "盐州路" not in page
    wrong = client.post(status_url, {"number": letter.number, "lookup_code": "ABCDEFGH"}).content.decode()
    assert "来信编号或查询码不正确" in wrong and "待甄别" not in wrong
    # The code is never accepted from the URL.
    assert letter.lookup_code not in client.get(status_url + f"?lookup_code={letter.lookup_code}").content.decode()


def test_wrong_answer_to_the_human_check_stores_nothing(client, mailbox):
    url = reverse("mailboxes_public:write", kwargs={"code": mailbox.code})
    response = client.post(url, valid_post(answer="99"))
    assert response.status_code == 200 and "计算结果不正确" in response.content.decode()
    assert not Letter.objects.exists()


def test_submissions_are_rate_limited_per_address(client, mailbox):
    """Public-form pattern of disclosure_requests: at most 5 letters per address per window."""
    url = reverse("mailboxes_public:write", kwargs={"code": mailbox.code})
    for i in range(5):
        assert client.post(url, valid_post(subject=f"第{i}封")).status_code == 302
    assert client.post(url, valid_post(subject="第六封")).status_code == 429
    assert Letter.objects.count() == 5


LETTER = st.fixed_dictionaries({
    "name": st.one_of(st.just("张三"), st.text(max_size=60)),
    "phone": st.one_of(st.just("13995123456"), st.just(""), st.text(max_size=25)),
    "email": st.one_of(st.just(""), st.just("a@example.cn"), st.text(max_size=30)),
    "address": st.text(max_size=40),
    "letter_type": st.one_of(st.sampled_from(["inquiry", "suggestion", "complaint", "help"]), st.text(max_size=10)),
    "subject": st.one_of(st.just("标题"), st.text(max_size=120)),
    "body": st.one_of(st.just("内容"), st.text(max_size=200)),
    "publish": st.one_of(st.sampled_from(["yes", "no"]), st.text(max_size=5)),
    "right_answer": st.booleans(),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=LETTER)
def test_any_input_gives_a_page_and_a_letter_only_when_valid(client, mailbox, data):
    """Hypothesis: whatever arrives, the answer is a page (never a 500); a letter is stored exactly when the
    required fields make sense and the question was answered."""
    from django.core.cache import cache

    cache.clear()
    before = Letter.objects.count()
    token, answer = fresh_challenge()
    post = {k: v for k, v in data.items() if k != "right_answer"}
    post.update(challenge=token, answer=str(answer) if data["right_answer"] else "x")
    response = client.post(reverse("mailboxes_public:write", kwargs={"code": mailbox.code}), post)
    assert response.status_code in (200, 302)
    stored = Letter.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)
    has_nul = any("\x00" in v for v in post.values())
    phone_ok = bool(re.fullmatch(r"[0-9+\- ]{5,20}", data["phone"].strip())) if data["phone"].strip() else False
    if stored:
        assert data["right_answer"] and not has_nul
        assert data["name"].strip() and data["subject"].strip() and data["body"].strip()
        assert data["letter_type"] in ("inquiry", "suggestion", "complaint", "help")
        assert data["publish"] in ("yes", "no")
        letter = Letter.objects.latest("id")
        assert letter.consent_to_publish == (data["publish"] == "yes")
    elif (data["right_answer"] and not has_nul and data["name"] == "张三" and data["subject"] == "标题"
          and data["body"] == "内容" and data["letter_type"] == "inquiry" and data["publish"] in ("yes", "no")
          and data["phone"] == "13995123456" and data["email"] in ("", "a@example.cn") and len(data["address"]) <= 40
          and "\x00" not in data["address"] and phone_ok):
        pytest.fail("a valid letter was refused")
