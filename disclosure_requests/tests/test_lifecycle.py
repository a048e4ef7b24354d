"""The request lifecycle, one test per rule, each naming its article of the 2019 条例 (docs/law/requests.md)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from disclosure_requests import services
from disclosure_requests.models import DisclosureRequest, OpinionResult, Outcome, RequestState

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db


def test_article_31_in_person_is_received_on_the_day_of_submission(in_person):
    case = in_person(date(2024, 9, 25))
    assert case.state == RequestState.REGISTERED and case.received_on == date(2024, 9, 25)
    assert case.tracking_number == "EDU-2024-0001"


def test_article_33_twenty_working_days_across_national_day(in_person):
    """2024-09-25 + 20 WD = 2024-10-28: 9-26,27 (2), 9-29 Sun make-up (3), 9-30 (4), 国庆 10-1…7 off,
    10-8…11 (8), 10-12 Sat make-up (9), 10-14…18 (14), 10-21…25 (19), 10-28 (20)."""
    case = in_person(date(2024, 9, 25))
    assert case.due_on == date(2024, 10, 28)
    assert "2024-09-25" in case.due_trace and "2024-10-28" in case.due_trace


def test_article_31_registered_mail_counts_from_signing(in_person):
    case = in_person(date(2024, 3, 1), channel="registered_mail", signed_for_on=date(2024, 3, 4))
    assert case.received_on == date(2024, 3, 4)
    with pytest.raises(ValidationError, match="签收日期"):
        in_person(date(2024, 3, 1), channel="registered_mail", description="另一份申请")


def test_article_31_online_waits_for_mutual_confirmation(region, person, handlers):
    case = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                  requested_form="electronic", delivery_method="email")
    assert case.state == RequestState.SUBMITTED and case.received_on is None and case.due_on is None
    assert case.tracking_number  # the applicant can follow the case at once
    confirmed = services.confirm_receipt(case, user=handlers["handler"], confirmed_on=timezone.localdate())
    assert confirmed.received_on == timezone.localdate() and confirmed.state == RequestState.REGISTERED
    assert confirmed.due_on is not None


def test_article_30_correction_restarts_the_clock(in_person, handlers):
    """补正 on 9-27 (within 7 WD); corrected application received 10-08; the period runs again in full from
    10-08: 10-9…11 (3), 10-12 Sat make-up (4), 10-14…18 (9), 10-21…25 (14), 10-28…31 (18), 11-1 (19),
    11-4 (20) → 2024-11-04."""
    case = in_person(date(2024, 9, 25))
    h = handlers["handler"]
    case = services.request_correction(case, user=h, items="请明确所需文件的年份和名称", on=date(2024, 9, 27),
                                       correction_due_on=date(2024, 10, 15))
    assert case.state == RequestState.AWAITING_CORRECTION and case.due_on is None
    assert not case.correction_notice_late
    case = services.correction_received(case, user=h, on=date(2024, 10, 8))
    assert case.due_on == date(2024, 11, 4) and "收到补正申请" in case.due_trace


def test_article_30_correction_notice_is_once_only_and_late_after_7_working_days(in_person, handlers):
    """7 WD from 2024-09-25: 9-26, 9-27, 9-29 (Sun make-up), 9-30, 10-8, 10-9, 10-10 → a notice on 10-11 is late."""
    case = in_person(date(2024, 9, 25))
    h = handlers["handler"]
    case = services.request_correction(case, user=h, items="补充文号", on=date(2024, 10, 11),
                                       correction_due_on=date(2024, 10, 25))
    assert case.correction_notice_late
    case = services.correction_received(case, user=h, on=date(2024, 10, 14))
    with pytest.raises(ValidationError, match="一次性"):
        services.request_correction(case, user=h, items="再补充", correction_due_on=date(2024, 11, 1),
                                    on=date(2024, 10, 15))


def test_article_30_no_correction_in_time_is_abandonment(in_person, handlers):
    case = in_person(date(2024, 9, 25))
    h = handlers["handler"]
    services.request_correction(case, user=h, items="补充名称", on=date(2024, 9, 27), correction_due_on=date(2024, 10, 15))
    with pytest.raises(ValidationError, match="尚未届满"):
        services.correction_lapsed(case, user=h, on=date(2024, 10, 15))
    case = services.correction_lapsed(case, user=h, on=date(2024, 10, 16))
    assert case.state == RequestState.CLOSED and case.outcome == Outcome.OTHER_NO_CORRECTION


def test_article_32_third_party_opinion_pauses_the_clock(in_person, handlers):
    """Received 2024-03-01 (due 03-29 without pause). Letter sent 03-11 (still counted), opinion received 03-20
    (not counted): 3-4…8 (5), 3-11 (6), 3-21,22 (8), 3-25…29 (13), 4-1…3 (16), 清明 4-4…6 off, 4-7 Sun make-up
    (17), 4-8…10 (20) → 2024-04-10. The third party's silence is not consent."""
    case = in_person(date(2024, 3, 1))
    assert case.due_on == date(2024, 3, 29)
    h = handlers["handler"]
    services.start_processing(case, user=h)
    opinion = services.open_opinion_request(case, user=h, kind="third_party", addressee="某科技公司",
                                            sent_on=date(2024, 3, 11), received_on=date(2024, 3, 12))
    # 15 WD from the third party's receipt (第三十二条): 3-13 … 4-2.
    assert opinion.reply_due_on == date(2024, 4, 2)
    services.close_opinion_request(opinion, user=h, result=OpinionResult.OBJECTION, answered_on=date(2024, 3, 20),
                                   opinion_text="涉及商业秘密")
    case.refresh_from_db()
    assert case.due_on == date(2024, 4, 10)


def test_article_32_and_34_silence_after_15_working_days(in_person, handlers):
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 3, 1)), user=h)
    third = services.open_opinion_request(case, user=h, kind="third_party", addressee="甲公司", sent_on=date(2024, 3, 4),
                                          received_on=date(2024, 3, 5))
    with pytest.raises(ValidationError, match="15个工作日"):
        services.close_opinion_request(third, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 3, 20))
    third = services.close_opinion_request(third, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 3, 27))
    assert third.result == OpinionResult.LAPSED  # 第三十二条: the agency decides; silence is no consent
    agency = services.open_opinion_request(case, user=h, kind="agency", addressee="县财政局", sent_on=date(2024, 3, 28),
                                           received_on=date(2024, 3, 28))
    agency = services.close_opinion_request(agency, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 4, 30))
    assert agency.result == OpinionResult.CONSENT  # 第三十四条: 逾期未提出意见的视为同意公开


def test_article_33_extension_needs_the_head_and_at_most_20_working_days(in_person, handlers):
    """Received 2024-09-10: due 10-14 (9-14 and 9-29 make-up days, 中秋 and 国庆 off, 10-12 make-up). Extended by
    20 WD: 10-15…18 (4), 10-21…25 (9), 10-28…31 (13), 11-1 (14), 11-4…8 (19), 11-11 (20) → 2024-11-11."""
    case = in_person(date(2024, 9, 10))
    assert case.due_on == date(2024, 10, 14)
    case = services.start_processing(case, user=handlers["handler"])
    with pytest.raises(PermissionDenied, match="负责人"):
        services.extend(case, user=handlers["handler"], working_days=10, reason="需要调档",
                        approved_on=date(2024, 10, 9), notified_on=date(2024, 10, 9))
    with pytest.raises(ValidationError, match="最长不得超过 20"):
        services.extend(case, user=handlers["head"], working_days=21, reason="需要调档",
                        approved_on=date(2024, 10, 9), notified_on=date(2024, 10, 9))
    with pytest.raises(ValidationError, match="届满前"):
        services.extend(case, user=handlers["head"], working_days=20, reason="需要调档",
                        approved_on=date(2024, 10, 15), notified_on=date(2024, 10, 15))
    services.extend(case, user=handlers["head"], working_days=20, reason="需要调档",
                    approved_on=date(2024, 10, 9), notified_on=date(2024, 10, 10))
    case.refresh_from_db()
    assert case.due_on == date(2024, 11, 11)
    assert "批准" in case.due_trace


def test_article_35_unreasonable_volume_is_not_processed(in_person, handlers):
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 5, 6)), user=h)
    case = services.ask_reason(case, user=h, on=date(2024, 5, 7))
    assert case.state == RequestState.AWAITING_REASON
    case = services.decide_reason(case, user=h, reasonable=False, on=date(2024, 5, 20))
    assert case.outcome == Outcome.NOT_PROCESSED_EXCESSIVE


def test_article_35_reasonable_but_needs_a_later_date(in_person, handlers):
    h = handlers["handler"]
    case = services.ask_reason(services.start_processing(in_person(date(2024, 5, 6)), user=h), user=h, on=date(2024, 5, 7))
    case = services.decide_reason(case, user=h, reasonable=True, on=date(2024, 5, 10), custom_due_on=date(2024, 7, 31))
    assert case.due_on == date(2024, 7, 31) and "第三十五条" in case.due_trace


def test_article_36_refusals_need_reasons_and_one_outcome(in_person, handlers):
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 5, 6)), user=h)
    with pytest.raises(ValidationError) as info:
        services.reply(case, user=h, outcome=Outcome.WITHHELD_PROCESS_INFO, legal_basis="", on=date(2024, 5, 20))
    assert {"legal_basis", "reasons"} <= set(info.value.message_dict)
    case = services.reply(case, user=h, outcome=Outcome.WITHHELD_PROCESS_INFO, on=date(2024, 5, 20),
                          legal_basis="《中华人民共和国政府信息公开条例》第十六条第二款", reasons="属于请示报告等过程性信息",
                          secondary_outcomes=[Outcome.UNAVAILABLE_NOT_HELD])
    assert case.state == RequestState.CLOSED and case.closed_on == date(2024, 5, 20) and not case.closed_late


def test_article_33_late_reply_is_recorded_not_blocked(in_person, handlers):
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 9, 25)), user=h)
    case = services.reply(case, user=h, outcome=Outcome.GRANTED, legal_basis="第三十六条第（二）项", on=date(2024, 10, 29))
    assert case.closed_late


def test_article_33_answer_on_the_spot(in_person, handlers):
    case = in_person(timezone.localdate())
    case = services.answer_on_the_spot(case, user=handlers["handler"], outcome=Outcome.GRANTED,
                                       legal_basis="第三十六条第（一）项", detail="already_public")
    assert case.state == RequestState.CLOSED and case.closed_on == case.received_on


def test_fee_notice_and_unpaid_lapse_109_hao(in_person, handlers):
    """国办函〔2020〕109号: pay within 20 WD from the day after the notice; unpaid → 三(六)2."""
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 5, 6)), user=h)
    with pytest.raises(ValidationError, match="不应收费"):
        services.issue_fee_notice(case, user=h, method="per_page", pages=30, served_on=date(2024, 5, 8))
    notice = services.issue_fee_notice(case, user=h, method="per_page", pages=150, served_on=date(2024, 5, 8))
    assert str(notice.amount) == "1700.00"
    # 5-9,10 (2), 5-11 Sat make-up (3), 5-13…17 (8), 5-20…24 (13), 5-27…31 (18), 6-3,4 (20) → 2024-06-04.
    assert notice.fee_due_on == date(2024, 6, 4)
    case = services.fee_lapsed(case, user=h, on=date(2024, 6, 5))
    assert case.outcome == Outcome.OTHER_FEE_UNPAID


def test_per_item_fee_counts_the_natural_month(region, person, handlers, in_person):
    """第四条: the 11th application of the same applicant in one natural month costs 100 元."""
    h = handlers["handler"]
    cases = [in_person(date(2024, 5, 6), description=f"申请第{i}件") for i in range(1, 12)]
    in_person(date(2024, 4, 30), description="上月的申请")  # another month: not counted
    case = services.start_processing(cases[-1], user=h)
    notice = services.issue_fee_notice(case, user=h, method="per_item", served_on=date(2024, 5, 7))
    assert notice.monthly_ordinal == 11 and str(notice.amount) == "100.00"


def test_withdrawal_and_transfer(region, in_person, handlers):
    h = handlers["handler"]
    case = in_person(date(2024, 5, 6))
    moved = services.transfer(case, user=h, to_agency=region["health"], reason="属卫生健康局职责")
    assert moved.agency == region["health"] and moved.transferred_from == region["edu"]
    other = in_person(date(2024, 5, 6), description="另一件")
    closed = services.withdraw(other, user=h, on=date(2024, 5, 8), how="申请人书面撤回")
    assert closed.outcome == Outcome.OTHER_MISC


def test_handlers_of_other_agencies_are_refused(in_person, handlers):
    case = in_person(date(2024, 5, 6))
    with pytest.raises(PermissionDenied):
        services.start_processing(case, user=handlers["other_handler"])


def test_duplicate_online_submission_is_detected(region, person):
    args = {"agency": region["edu"], "applicant": person(), "description": "某文件", "requested_form": "paper",
            "delivery_method": "post"}
    first = services.submit_online(**args)
    with pytest.raises(services.DuplicateSubmission) as info:
        services.submit_online(**args)
    assert info.value.existing == first
    assert DisclosureRequest.objects.count() == 1


def test_identity_checks_at_intake_article_29(region, person):
    for bad in ("110105194912310021", "11010519491331002X", "1101051949123100"):
        with pytest.raises(ValidationError) as info:
            services.submit_online(agency=region["edu"], applicant=person(id_number=bad), description="x",
                                   requested_form="paper", delivery_method="post")
        assert "id_number" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.submit_online(agency=region["edu"], description="x", requested_form="paper", delivery_method="post",
                               applicant=person(applicant_type="commercial_enterprise", id_number=PLANTED_ID))


def test_identity_number_is_encrypted_at_rest_and_masked_in_the_audit_trail(in_person):
    case = in_person(date(2024, 5, 6))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM disclosure_requests_applicant WHERE id = %s",
                       [case.applicant_id])
        raw = cursor.fetchone()
    assert PLANTED_ID not in " ".join(raw) and "13995123456" not in " ".join(raw)
    assert case.applicant.id_number == PLANTED_ID  # decrypted for the handling staff
    for entry in AuditEntry.objects.all():
        assert PLANTED_ID not in str(entry.before) + str(entry.after) + entry.object_repr + entry.note


def test_calendar_corrections_redate_open_cases(in_person):
    """A local holiday added on 2024-10-21 moves the 2024-09-25 case from 10-28 to 10-29, automatically."""
    from workdays import services as calendar_services

    case = in_person(date(2024, 9, 25))
    closed = services.reply(in_person(date(2024, 9, 25), description="已办结"), outcome=Outcome.GRANTED,
                            legal_basis="第三十六条", on=date(2024, 9, 30))
    result = calendar_services.set_day(2024, date(2024, 10, 21), "holiday", "地方节日", "自治区人民政府通知")
    case.refresh_from_db()
    assert case.due_on == date(2024, 10, 29)
    assert [(a.old_due, a.new_due) for a in result.affected] == [(date(2024, 10, 28), date(2024, 10, 29))]
    closed.refresh_from_db()
    assert closed.due_on == date(2024, 10, 28)  # closed cases keep their history


def test_unconfirmed_calendar_is_flagged_on_the_case(in_person):
    """A due date that falls in a year whose schedule is not confirmed carries the flag (never silently)."""
    from workdays import services as calendar_services

    calendar_services.set_status(2025, "unconfirmed", "待国务院办公厅公布", "测试：撤销确认")
    case = in_person(date(2025, 3, 3))
    assert not case.due_confirmed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tracking_numbers_are_distinct_under_concurrent_submissions(region, person):
    """200 simultaneous online submissions → 200 cases, distinct tracking numbers, nothing lost."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL; SQLite serialises writers")
    import threading

    barrier = threading.Barrier(20)
    errors = []

    def worker(i):
        from django.db import connection as thread_connection
        try:
            barrier.wait()
            for j in range(10):
                services.submit_online(agency=region["edu"], applicant=person(), description=f"申请{i}-{j}",
                                       requested_form="paper", delivery_method="post")
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(DisclosureRequest.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 200 and len(set(numbers)) == 200
