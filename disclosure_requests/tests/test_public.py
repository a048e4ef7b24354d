"""The public side: the online application form (human check, rate limits, duplicates), its receipt and
the status lookup — and that none of them shows or logs the applicant's personal data."""

import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from disclosure_requests import forms as request_forms
from disclosure_requests import services, tasks
from disclosure_requests.models import DisclosureRequest, Outcome, RequestState
from orgs.models import AgencyKind
from orgs.services import create_agency

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db

SECRETS = (PLANTED_ID, "13995123456", "盐州路88号", "盐池县花马池镇")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limits and spent human-check tokens live in the cache
    yield
    cache.clear()


def apply_url(agency):
    return reverse("disclosure_public:apply", kwargs={"code": agency.code})


def solved(**fields):
    """A complete, valid application with a correctly answered human check."""
    _question, token, answer = request_forms.issue_challenge()
    data = {"applicant_type": "natural_person", "name": "马文静", "id_type": "resident_id", "id_number": PLANTED_ID,
            "phone": "13995123456", "email": "mwj@example.cn", "address": "盐池县花马池镇盐州路88号",
            "postcode": "751500", "description": "2024年学生资助资金分配文件", "purpose": "",
            "requested_form": "electronic", "delivery_method": "email", "challenge": token, "answer": str(answer)}
    data.update(fields)
    return data


def assert_private(text):
    for secret in SECRETS:
        assert secret not in text


def test_the_index_lists_agencies_that_receive_requests(client, region):
    create_agency(code="school", name="演示县第一中学", kind=AgencyKind.PUBLIC_INSTITUTION, level="county",
                  parent=region["edu"])
    text = client.get(reverse("disclosure_public:index")).content.decode()
    assert apply_url(region["edu"]) in text and apply_url(region["town"]) in text
    assert "演示县第一中学" not in text  # 事业单位 do not receive requests under 第二十七条
    assert client.get(reverse("disclosure_public:apply", kwargs={"code": "school"})).status_code == 404
    assert client.get(reverse("disclosure_public:apply", kwargs={"code": "no-such"})).status_code == 404


def test_the_form_asks_a_question_in_chinese_and_no_purpose(client, region):
    text = client.get(apply_url(region["edu"])).content.decode()
    assert re.search(r"验证问题：[一二三四五六七八九十]+[加减][一二三四五六七八九十]+等于多少？", text)
    assert "用途（选填）" in text and "商业企业" in text and "法律服务机构" in text
    assert '<optgroup label="法人或其他组织">' in text


def test_online_application_and_receipt(client, region):
    response = client.post(apply_url(region["edu"]), solved())
    assert response.status_code == 302 and response["Location"] == reverse("disclosure_public:receipt")
    case = DisclosureRequest.objects.get()
    assert case.state == RequestState.SUBMITTED and case.channel == "online" and case.agency == region["edu"]
    receipt = client.get(response["Location"]).content.decode()
    assert case.tracking_number in receipt and case.lookup_code in receipt
    assert "待确认" in receipt and "20 个工作日" in receipt
    assert_private(receipt)
    entry = AuditEntry.objects.get(action="requests.submit")
    assert entry.actor_label == "申请人（网上申请）" and entry.ip_address == "127.0.0.1"


def test_the_receipt_needs_a_submission_in_this_session(client):
    assert client.get(reverse("disclosure_public:receipt")).status_code == 302


def test_a_wrong_or_reused_answer_is_refused(client, region):
    data = solved()
    wrong = client.post(apply_url(region["edu"]), {**data, "answer": "99"})
    assert "计算结果不正确" in wrong.content.decode() and not DisclosureRequest.objects.exists()
    # The token was spent on that attempt: the right answer cannot be tried with it again.
    again = client.post(apply_url(region["edu"]), data)
    assert "已使用过" in again.content.decode() and not DisclosureRequest.objects.exists()
    forged = client.post(apply_url(region["edu"]), {**solved(), "challenge": "forged"})
    assert "已过期" in forged.content.decode()
    missing = client.post(apply_url(region["edu"]), {**solved(), "answer": ""})
    assert "阿拉伯数字" in missing.content.decode() and not DisclosureRequest.objects.exists()


def test_full_width_digits_are_accepted(client, region):
    _q, token, answer = request_forms.issue_challenge()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in str(answer))
    response = client.post(apply_url(region["edu"]), solved(challenge=token, answer=full_width))
    assert response.status_code == 302


def test_a_new_question_follows_a_refused_form_and_input_is_kept(client, region):
    response = client.post(apply_url(region["edu"]), solved(id_number="110105194912310021"))
    text = response.content.decode()
    assert "校验位错误" in text and "2024年学生资助资金分配文件" in text
    assert re.search(r'name="answer"[^>]*value="[0-9]', text) is None  # the spent question's answer is not kept
    assert not DisclosureRequest.objects.exists()


@pytest.mark.parametrize("fields, message", [
    ({"applicant_type": "commercial_enterprise"}, "法人或其他组织请填写统一社会信用代码"),
    ({"id_type": "credit_code", "id_number": "CREDIT"}, "自然人请填写个人身份证件"),
    ({"phone": "", "email": "", "delivery_method": "post"}, "请至少填写联系电话或电子邮箱之一"),
    ({"delivery_method": "post", "address": ""}, "选择邮寄时请填写通信地址"),
    ({"description": "   "}, "这个字段是必填项"),
    ({"applicant_type": ""}, "这个字段是必填项"),
    ({"id_number": "11010519491331002X"}, "出生日期"),
])
def test_invalid_applications_are_refused_with_chinese_messages(client, region, fields, message):
    if fields.get("id_number") == "CREDIT":
        fields = {**fields, "id_number": region["edu"].credit_code}
    response = client.post(apply_url(region["edu"]), solved(**fields))
    assert response.status_code == 200 and message in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_organisations_apply_with_their_credit_code(client, region):
    code = region["edu"].credit_code  # any valid 统一社会信用代码 will do
    response = client.post(apply_url(region["edu"]), solved(applicant_type="legal_service_org", id_type="credit_code",
                                                            id_number=code, name="某律师事务所"))
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().applicant_type == "legal_service_org"


def test_a_duplicate_points_to_the_status_page(client, region):
    client.post(apply_url(region["edu"]), solved())
    case = DisclosureRequest.objects.get()
    response = client.post(apply_url(region["edu"]), solved())
    text = response.content.decode()
    assert "请勿重复提交" in text and DisclosureRequest.objects.count() == 1
    assert f'{reverse("disclosure_public:status")}?number={case.tracking_number}' in text
    assert case.lookup_code not in text


def test_submissions_are_rate_limited_per_ip(client, region, settings):
    for n in range(5):
        assert client.post(apply_url(region["edu"]), solved(description=f"第{n}份申请")).status_code == 302
    response = client.post(apply_url(region["edu"]), solved(description="第6份申请"))
    assert response.status_code == 429 and "提交申请过于频繁" in response.content.decode()
    assert DisclosureRequest.objects.count() == 5
    # Another address is not affected.
    other = client.post(apply_url(region["edu"]), solved(description="另一地址"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_attempts_are_rate_limited_even_when_invalid(client, region):
    for _ in range(20):
        assert client.post(apply_url(region["edu"]), {"name": "x"}).status_code == 200
    response = client.post(apply_url(region["edu"]), solved())
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


# --- Status lookup -------------------------------------------------------------------------------------------


def lookup(client, number, code, **extra):
    """The lookup, followed to the case page it opens (number + 查询码 put the case into the session)."""
    return client.post(reverse("disclosure_public:status"), {"tracking_number": number, "lookup_code": code},
                       follow=True, **extra)


def test_status_of_a_submitted_then_closed_case(client, region, person, handlers):
    case = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                  requested_form="electronic", delivery_method="email")
    text = lookup(client, case.tracking_number, case.lookup_code.lower()).content.decode()
    assert "待确认" in text and "尚未确认" in text and region["edu"].name in text
    assert_private(text)
    # The application as received is the applicant's own text (number + code); who applied never shows.
    assert "马文静" not in text and "2023年财政决算" in text
    today = timezone.localdate()
    services.confirm_receipt(case, user=handlers["handler"], confirmed_on=today)
    services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED, legal_basis="第三十六条第（二）项", on=today)
    text = lookup(client, f" {case.tracking_number.lower()} ", case.lookup_code).content.decode()
    assert "已办结" in text and "已同意公开" in text and today.isoformat() in text
    assert "区分处理" not in text  # the 表三 wording is for the statistics, not for the applicant
    assert_private(text)


def test_wrong_number_or_code_get_the_same_answer(client, region, person):
    case = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                  requested_form="electronic", delivery_method="email")
    wrong_code = lookup(client, case.tracking_number, "ZZZZZZZZ").content.decode()
    wrong_number = lookup(client, "EDU-1999-9999", case.lookup_code).content.decode()
    assert "受理编号或查询码不正确" in wrong_code and "受理编号或查询码不正确" in wrong_number
    assert "待确认" not in wrong_code and "待确认" not in wrong_number


def test_lookups_are_rate_limited(client, region, person):
    case = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                  requested_form="electronic", delivery_method="email")
    for _ in range(20):
        lookup(client, case.tracking_number, "WRONG")
    response = lookup(client, case.tracking_number, case.lookup_code)
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    assert "待确认" not in response.content.decode()


def test_the_status_form_prefills_the_number_but_never_takes_the_code_from_the_url(client):
    text = client.get(reverse("disclosure_public:status"), {"number": "EDU-2024-0001", "code": "ABC"}).content.decode()
    assert 'value="EDU-2024-0001"' in text and "ABC" not in text


# --- Privacy across the public form, staff pages, reminders and logs ---------------------------------------------


def test_personal_data_never_reaches_public_pages_the_office_queue_mail_or_logs(client, region, handlers, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(apply_url(region["edu"]), solved())
    case = DisclosureRequest.objects.get()
    pages = [client.get(reverse("disclosure_public:receipt")).content.decode(),
             lookup(client, case.tracking_number, case.lookup_code).content.decode()]
    handler = handlers["handler"]
    handler.email = "handler@example.cn"
    handler.save()
    services.confirm_receipt(case, user=handler, confirmed_on=timezone.localdate())
    client.force_login(handlers["head"])
    pages.append(client.get(reverse("disclosure_requests:index")).content.decode())
    assert tasks.send_due_reminders(today=DisclosureRequest.objects.get().due_on) == 1
    pages.append(mail.outbox[0].subject + mail.outbox[0].body)
    assert case.tracking_number in mail.outbox[0].body
    for text in pages:
        assert_private(text)
        assert "马文静" not in text
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert_private(logged)
    assert case.tracking_number in caplog.text  # the logs do say what happened
    for entry in AuditEntry.objects.all():
        assert_private(f"{entry.before}{entry.after}{entry.note}{entry.object_repr}")
