"""Dates of the steps of a case: never after today, never before the previous step, and a lapse only after
its period has really ended. The clock is frozen (frozen_today) so the rules do not depend on the real date."""

import inspect
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from disclosure_requests import services
from disclosure_requests.models import OpinionResult, Outcome, RequestState

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国政府信息公开条例》第三十六条"
DAY = timedelta(days=1)


def test_fee_lapse_only_after_the_payment_period_and_not_in_the_future(in_person, handlers, frozen_today):
    """《政府信息公开条例》第四十二条 and 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号; article
    UNVERIFIED): the applicant pays within 20 working days of
    receiving the notice; 逾期未缴费 is recorded on the day after the last day at the earliest, and only once
    today has reached that day (a case was closed as 逾期未缴费 dated after today)."""
    h = handlers["handler"]
    frozen_today(date(2024, 5, 8))
    case = services.start_processing(in_person(date(2024, 5, 6)), user=h)
    notice = services.issue_fee_notice(case, user=h, method="per_page", pages=150, served_on=date(2024, 5, 8))
    last = notice.fee_due_on  # 2024-06-04
    frozen_today(last)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.fee_lapsed(case, user=h, on=last + DAY)
    with pytest.raises(ValidationError, match="尚未届满"):
        services.fee_lapsed(case, user=h, on=last)
    with pytest.raises(ValidationError, match="尚未届满"):
        services.fee_lapsed(case, user=h)  # today is the last day of the period
    frozen_today(last + DAY)
    case = services.fee_lapsed(case, user=h)
    assert case.outcome == Outcome.OTHER_FEE_UNPAID and case.closed_on == last + DAY


def test_article_30_correction_lapse_not_before_the_period_ended(in_person, handlers, frozen_today):
    """《政府信息公开条例》第三十条: 申请人无正当理由逾期不补正的，视为放弃申请 — only once the period is over."""
    h = handlers["handler"]
    frozen_today(date(2024, 10, 15))
    case = services.request_correction(in_person(date(2024, 9, 25)), user=h, items="补充名称", on=date(2024, 9, 27),
                                       correction_due_on=date(2024, 10, 15))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.correction_lapsed(case, user=h, on=date(2024, 10, 16))
    frozen_today(date(2024, 10, 16))
    assert services.correction_lapsed(case, user=h, on=date(2024, 10, 16)).state == RequestState.CLOSED


def test_article_32_opinion_lapse_not_before_the_period_ended(in_person, handlers, frozen_today):
    """《政府信息公开条例》第三十二条: the third party has 15 working days from receipt (3-12 → 4-02)."""
    h = handlers["handler"]
    frozen_today(date(2024, 4, 2))
    case = services.start_processing(in_person(date(2024, 3, 1)), user=h)
    opinion = services.open_opinion_request(case, user=h, kind="third_party", addressee="甲公司",
                                            sent_on=date(2024, 3, 11), received_on=date(2024, 3, 12))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 4, 3))
    with pytest.raises(ValidationError, match="尚未届满"):
        services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 4, 2))
    frozen_today(date(2024, 4, 3))
    opinion = services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 4, 3))
    assert opinion.result == OpinionResult.LAPSED


def _steps(region, h, head, in_person):
    """Every dated transition of the service: (name, prepare, step) — prepare makes a case (or consultation)
    ready for the step; step(subject, day) performs it dated `day`."""
    def fresh(**kw):
        return in_person(date(2024, 9, 25), description=f"申请{len(made)}", **kw)

    made = []

    def working():
        case = services.start_processing(fresh(), user=h)
        made.append(case)
        return case

    def with_opinion():
        case = working()
        return services.open_opinion_request(case, user=h, kind="third_party", addressee="甲公司",
                                             sent_on=date(2024, 9, 26))

    def objected():
        opinion = with_opinion()
        return services.close_opinion_request(opinion, user=h, result=OpinionResult.OBJECTION,
                                              answered_on=date(2024, 9, 27))

    def corrected():
        return services.request_correction(fresh(), user=h, items="补充名称", on=date(2024, 9, 26),
                                           correction_due_on=date(2024, 9, 30))

    def reasoning():
        return services.ask_reason(working(), user=h, on=date(2024, 9, 26))

    def fee():
        case = working()
        services.issue_fee_notice(case, user=h, method="per_page", pages=150, served_on=date(2024, 9, 26))
        return case

    def case_fresh():
        return fresh()

    return [
        ("confirm_receipt", lambda: fresh(channel="online"),
         lambda c, d: services.confirm_receipt(c, user=h, confirmed_on=d)),
        ("request_correction", case_fresh,
         lambda c, d: services.request_correction(c, user=h, items="补充", on=d, correction_due_on=d + 10 * DAY)),
        ("correction_received", corrected, lambda c, d: services.correction_received(c, user=h, on=d)),
        ("correction_lapsed", corrected, lambda c, d: services.correction_lapsed(c, user=h, on=d)),
        ("open_opinion_request", working,
         lambda c, d: services.open_opinion_request(c, user=h, kind="third_party", addressee="乙公司", sent_on=d)),
        ("record_opinion_receipt", with_opinion,
         lambda o, d: services.record_opinion_receipt(o, user=h, received_on=d)),
        ("close_opinion_request", with_opinion,
         lambda o, d: services.close_opinion_request(o, user=h, result=OpinionResult.CONSENT, answered_on=d)),
        ("notify_third_party_of_disclosure", objected,
         lambda o, d: services.notify_third_party_of_disclosure(o, user=h, content="内容", reasons="理由", on=d)),
        ("extend", working,
         lambda c, d: services.extend(c, user=head, working_days=5, reason="调档", approved_on=d, notified_on=d)),
        ("ask_reason", working, lambda c, d: services.ask_reason(c, user=h, on=d)),
        ("decide_reason", reasoning, lambda c, d: services.decide_reason(c, user=h, reasonable=True, on=d)),
        ("issue_fee_notice", working,
         lambda c, d: services.issue_fee_notice(c, user=h, method="per_page", pages=150, served_on=d)),
        ("fee_settled", fee, lambda c, d: services.fee_settled(c, user=h, on=d, payment_reference="6403")),
        ("fee_lapsed", fee, lambda c, d: services.fee_lapsed(c, user=h, on=d)),
        ("reply", working,
         lambda c, d: services.reply(c, user=h, outcome=Outcome.GRANTED, legal_basis=BASIS, on=d)),
        ("withdraw", working, lambda c, d: services.withdraw(c, user=h, on=d, how="书面撤回")),
        ("transfer", working,
         lambda c, d: services.transfer(c, user=h, to_agency=region["health"], reason="属卫健局", on=d)),
    ]


def test_every_dated_transition_refuses_a_date_after_today(region, handlers, in_person, frozen_today):
    """No step of a case is dated in the future: confirming receipt (《政府信息公开条例》第三十一条), 补正 (第三十条),
    consultations (第三十二条, 第三十四条), 延期 (第三十三条), 第三十五条, fees (国办函〔2020〕109号), reply (第三十六条),
    withdrawal and transfer."""
    today = frozen_today(date(2024, 9, 30))
    for name, prepare, step in _steps(region, handlers["handler"], handlers["head"], in_person):
        subject = prepare()
        with pytest.raises(ValidationError, match="不能晚于今天"):
            step(subject, today + DAY)
        print(name, "refused")


def test_every_dated_transition_refuses_a_date_before_the_previous_step(region, handlers, in_person, frozen_today):
    """《政府信息公开条例》第三十条–第三十六条 (the steps of a case, in their order; the guard is INFERRED,
    docs/law/requests.md §3): no step is dated before the case's previous step (here: receipt on 2024-09-25, or
    the consultation, 补正, 第三十五条 or fee step the case was prepared with on 09-26/27)."""
    frozen_today(date(2024, 10, 31))
    for name, prepare, step in _steps(region, handlers["handler"], handlers["head"], in_person):
        if name in ("confirm_receipt", "record_opinion_receipt"):
            continue  # checked against the submission / sending date instead (below)
        subject = prepare()
        with pytest.raises(ValidationError, match="不能早于"):
            step(subject, date(2024, 9, 24))
        print(name, "refused")


def test_confirmation_and_opinion_receipt_are_not_dated_before_what_they_follow(in_person, handlers):
    """《政府信息公开条例》第三十一条: confirmation on or after submission; 第三十二条: the third party receives the
    letter on or after the day it was sent."""
    h = handlers["handler"]
    with pytest.raises(ValidationError, match="不能早于提交日期"):
        services.confirm_receipt(in_person(date(2024, 9, 25), channel="fax"), user=h, confirmed_on=date(2024, 9, 24))
    case = services.start_processing(in_person(date(2024, 9, 25), description="另一件"), user=h)
    opinion = services.open_opinion_request(case, user=h, kind="third_party", addressee="甲公司",
                                            sent_on=date(2024, 9, 26))
    with pytest.raises(ValidationError, match="不能早于发出"):
        services.record_opinion_receipt(opinion, user=h, received_on=date(2024, 9, 25))


def test_a_reply_after_an_extension_is_not_dated_before_it(in_person, handlers):
    """《政府信息公开条例》第三十三条第二款: a step recorded after an extension (approved 10-09, notified 10-10) is
    not dated before it."""
    h, head = handlers["handler"], handlers["head"]
    case = services.start_processing(in_person(date(2024, 9, 10)), user=h)
    services.extend(case, user=head, working_days=5, reason="需要调档", approved_on=date(2024, 10, 9),
                    notified_on=date(2024, 10, 10))
    with pytest.raises(ValidationError, match="上一办理步骤.*2024-10-10"):
        services.reply(case, user=h, outcome=Outcome.GRANTED, legal_basis=BASIS, on=date(2024, 10, 9))
    assert services.reply(case, user=h, outcome=Outcome.GRANTED, legal_basis=BASIS,
                          on=date(2024, 10, 10)).state == RequestState.CLOSED


def test_the_step_list_covers_every_dated_transition(region, handlers, in_person):
    """The two tests above cover every transition of the service that takes a date (a parameter `on` or `…_on`),
    so that a new dated step cannot escape the guards unnoticed. Intake (`register`: 《政府信息公开条例》第三十一条)
    is guarded and tested on its own (test_views.py::test_register_shows_the_service_refusals); `regime_for` only
    reads a date; `custom_due_on` and `correction_due_on` are due dates, which lie in the future."""
    dated = {name for name, function in inspect.getmembers(services, inspect.isfunction)
             if function.__module__ == services.__name__ and not name.startswith("_")
             and any(p == "on" or p.endswith("_on") for p in inspect.signature(function).parameters)}
    stepped = {name for name, _prepare, _step in _steps(region, handlers["handler"], handlers["head"], in_person)}
    assert dated - {"register", "regime_for"} == stepped
