"""One case per submission on every backend (issue 16): the duplicate rule (same agency, applicant identity and
text within GONGKAI_DUPLICATE_WINDOW_MINUTES) holds under concurrency (services._lock_intake), and a form
posted twice — the public form's answered question, the staff form's token — gives back the first case."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from disclosure_requests import forms as request_forms
from disclosure_requests import services
from disclosure_requests.models import Applicant, DisclosureRequest

from .conftest import PLANTED_ID


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # spent human-check questions, replay records and form tokens live in the cache
    yield
    cache.clear()


def online(region, person, **overrides):
    return {"agency": region["edu"], "applicant": person(), "description": "2024年学生资助资金分配文件",
            "requested_form": "paper", "delivery_method": "post", **overrides}


# --- The service -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_identical_concurrent_submissions_make_one_case(region, person):
    """20 identical submissions at once, each thread on its own connection → 1 case; the other 19 are
    refused with DuplicateSubmission carrying that case (and its tracking number)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")
    barrier = threading.Barrier(20)
    made, refused, errors = [], [], []

    def worker():
        from django.db import connection as thread_connection
        try:
            barrier.wait()
            made.append(services.submit_online(**online(region, person)))
        except services.DuplicateSubmission as duplicate:
            refused.append(duplicate)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(made) == 1 and len(refused) == 19
    case = DisclosureRequest.objects.get()
    assert case.pk == made[0].pk
    assert {duplicate.existing.pk for duplicate in refused} == {case.pk}
    assert all(case.tracking_number in duplicate.messages[0] for duplicate in refused)
    assert Applicant.objects.count() == 1  # the look-up-or-create of the applicant is serialised too


@pytest.mark.django_db
def test_sequential_duplicates_are_refused_within_the_window(region, person, settings):
    first = services.submit_online(**online(region, person))
    with pytest.raises(services.DuplicateSubmission) as info:
        services.submit_online(**online(region, person, description="  2024年学生资助资金分配文件\n"))
    assert info.value.existing == first and first.tracking_number in info.value.messages[0]
    assert services.existing_submission(agency=region["edu"], applicant=person(),
                                        description="2024年学生资助资金分配文件") == first
    # Not duplicates: another agency, another text, another applicant.
    services.submit_online(**online(region, person, agency=region["health"]))
    services.submit_online(**online(region, person, description="另一份文件"))
    services.submit_online(**online(region, person, applicant=person(id_number="110105194912310038")))
    assert DisclosureRequest.objects.count() == 4
    # After the window the same text is a new application (答复 may then be 重复申请).
    DisclosureRequest.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=settings.GONGKAI_DUPLICATE_WINDOW_MINUTES + 1))
    assert services.submit_online(**online(region, person)).pk != first.pk


@pytest.mark.django_db
def test_sqlite_transactions_take_the_write_lock_at_begin():
    """On SQLite the check and the insert are atomic because every transaction begins IMMEDIATE."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction mode")
    assert connection.transaction_mode == "IMMEDIATE"


# --- The public form ---------------------------------------------------------------------------------------


def apply_url(agency):
    return reverse("disclosure_public:apply", kwargs={"code": agency.code})


def solved(**fields):
    _question, token, answer = request_forms.issue_challenge()
    return {"applicant_type": "natural_person", "name": "马文静", "id_type": "resident_id", "id_number": PLANTED_ID,
            "phone": "13995123456", "email": "mwj@example.cn", "address": "盐池县花马池镇盐州路88号",
            "postcode": "751500", "description": "2024年学生资助资金分配文件", "purpose": "",
            "requested_form": "electronic", "delivery_method": "email", "challenge": token, "answer": str(answer),
            **fields}


@pytest.mark.django_db
def test_the_same_form_posted_twice_gives_back_the_first_case(client, region):
    form = solved()
    assert client.post(apply_url(region["edu"]), form).status_code == 302
    case = DisclosureRequest.objects.get()
    again = client.post(apply_url(region["edu"]), form)
    text = again.content.decode()
    assert again.status_code == 200 and DisclosureRequest.objects.count() == 1
    assert "请勿重复提交" in text and case.tracking_number in text and "该验证问题已使用过" not in text
    assert case.lookup_code not in text


@pytest.mark.django_db
def test_a_replayed_question_cannot_make_another_case(client, region):
    """The replay answers with the first case only: a spent question with other content is refused."""
    form = solved()
    client.post(apply_url(region["edu"]), form)
    case = DisclosureRequest.objects.get()
    other = client.post(apply_url(region["edu"]), {**form, "description": "另一份文件"}).content.decode()
    assert "该验证问题已使用过" in other and DisclosureRequest.objects.count() == 1
    assert case.tracking_number not in other
    wrong = client.post(apply_url(region["edu"]), {**form, "answer": str(int(form["answer"]) + 1)}).content.decode()
    assert "该验证问题已使用过" in wrong and case.tracking_number not in wrong


# --- The staff form ----------------------------------------------------------------------------------------


REGISTER = {"channel": "in_person", "submitted_on": "2024-09-25", "signed_for_on": "",
            "applicant_type": "natural_person", "name": "马文静", "id_type": "resident_id", "id_number": PLANTED_ID,
            "phone": "13995123456", "email": "mwj@example.cn", "address": "盐池县花马池镇盐州路88号",
            "postcode": "751500", "description": "2024年学生资助资金分配文件", "purpose": "",
            "requested_form": "electronic", "delivery_method": "email"}


@pytest.mark.django_db
def test_a_double_click_on_the_staff_form_registers_once(client, region, handlers):
    client.force_login(handlers["handler"])
    page = client.get(reverse("disclosure_requests:register")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {**REGISTER, "agency": region["edu"].pk, "form_token": token}
    first = client.post(reverse("disclosure_requests:register"), data)
    case = DisclosureRequest.objects.get()
    assert first.status_code == 302
    second = client.post(reverse("disclosure_requests:register"), data, follow=True)
    assert DisclosureRequest.objects.count() == 1
    assert second.redirect_chain[-1][0] == reverse("disclosure_requests:detail", kwargs={"pk": case.pk})
    assert f"该申请已登记（受理编号 {case.tracking_number}），未重复登记" in second.content.decode()
    # A new form (a new token) registers a new case: staff may register a repeated application on purpose.
    page = client.get(reverse("disclosure_requests:register")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    assert client.post(reverse("disclosure_requests:register"), {**data, "form_token": token}).status_code == 302
    assert DisclosureRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_staff_form_may_be_corrected_and_posted_again(client, region, handlers):
    client.force_login(handlers["handler"])
    data = {**REGISTER, "agency": region["edu"].pk, "form_token": "token-1",
            "applicant_type": "commercial_enterprise"}  # refused by the service: no 统一社会信用代码
    assert client.post(reverse("disclosure_requests:register"), data).status_code == 200
    assert not DisclosureRequest.objects.exists()
    fixed = {**data, "applicant_type": "natural_person"}
    assert client.post(reverse("disclosure_requests:register"), fixed).status_code == 302
    assert DisclosureRequest.objects.count() == 1
