"""表三, 表四 and the legacy counters on a handful of cases made through the services; every expected cell
was counted by hand from the case list in the docstrings and is written literally."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from appeals.models import Appeal
from appeals.statistics import legacy_appeal_counters
from disclosure_requests import services
from disclosure_requests.models import DisclosureRequest
from disclosure_requests.statistics import StatisticsDataError, legacy_request_counters, table_three
from orgs.credit_code import make_credit_code
from orgs.models import Agency

pytestmark = pytest.mark.django_db

COMPANY = make_credit_code("91", "640323", "0C000001")
LAW_FIRM = make_credit_code("31", "640323", "0L000001")
INSTITUTE = make_credit_code("12", "640323", "0R000001")
OTHER_ORG = make_credit_code("52", "640323", "0T000001")


def nonzero(cells):
    return {k: v for k, v in cells.items() if v}


@pytest.fixture
def cases(region, person, handlers, in_person):
    """教育局 (edu) unless said otherwise; np = 自然人.

    A  np, 当面, received 2023-12-20, 予以公开 2024-01-10
    B  np, 当面, received 2024-03-04, 部分公开 2024-03-20
    C  商业企业, 当面, received 2024-05-06, 保护第三方合法权益 2024-05-30
    D  np, 网络, submitted 2024-12-30, confirmed (received) 2025-01-03, still open
    E  np, 网络, submitted 2024-12-27, never confirmed (待确认)
    F  法律服务机构, 当面, received 2024-12-16, in progress
    G  np, 当面, received 2024-06-03, 补正 2024-06-05 due 06-20, lapsed 2024-06-25 (逾期不补正)
    H  科研机构, 当面, received 2024-07-01, withdrawn 2024-07-05 (其他)
    I  np, 当面, received 2024-09-02, 本机关不掌握 2024-09-10, archived
    J  其他组织, 当面, received 2023-11-01, 予以公开 2023-11-15
    K  np, 卫生健康局 (health), received 2024-02-01, open
    L  np, received 2024-04-01 at health, transferred to edu on 2024-04-03: health closes it as 不属于本机关负责公开
       (第三十六条第（五）项, 本机关不掌握相关政府信息); edu receives its own case on 04-03, 予以公开 2024-04-20
    """
    h = handlers["handler"]
    ok = {"legal_basis": "《中华人民共和国政府信息公开条例》第三十六条", "reasons": "理由"}
    a = in_person(date(2023, 12, 20), description="A")
    services.reply(a, user=h, outcome="granted", on=date(2024, 1, 10), **ok)
    b = in_person(date(2024, 3, 4), description="B")
    services.reply(b, user=h, outcome="partially_granted", on=date(2024, 3, 20), **ok)
    c = in_person(date(2024, 5, 6), description="C", applicant=person(
        applicant_type="commercial_enterprise", name="盐池县某商贸有限公司", id_type="credit_code", id_number=COMPANY))
    services.reply(c, user=h, outcome="withheld_third_party_rights", on=date(2024, 5, 30), **ok)
    d = in_person(date(2024, 12, 30), description="D", channel="online")
    services.confirm_receipt(d, user=h, confirmed_on=date(2025, 1, 3))
    in_person(date(2024, 12, 27), description="E", channel="online")
    f = in_person(date(2024, 12, 16), description="F", applicant=person(
        applicant_type="legal_service_org", name="某律师事务所", id_type="credit_code", id_number=LAW_FIRM))
    services.start_processing(f, user=h)
    g = in_person(date(2024, 6, 3), description="G")
    services.request_correction(g, user=h, items="请写明文件名称", on=date(2024, 6, 5),
                                correction_due_on=date(2024, 6, 20))
    services.correction_lapsed(g, user=h, on=date(2024, 6, 25))
    i_ = in_person(date(2024, 7, 1), description="H", applicant=person(
        applicant_type="research_institution", name="某研究院", id_type="credit_code", id_number=INSTITUTE))
    services.withdraw(i_, user=h, on=date(2024, 7, 5), how="书面撤回")
    i = in_person(date(2024, 9, 2), description="I")
    services.reply(i, user=h, outcome="unavailable_not_held", on=date(2024, 9, 10), **ok)
    services.archive(i, user=h)
    j = in_person(date(2023, 11, 1), description="J", applicant=person(
        applicant_type="other_org", name="某协会", id_type="credit_code", id_number=OTHER_ORG))
    services.reply(j, user=h, outcome="granted", on=date(2023, 11, 15), **ok)
    in_person(date(2024, 2, 1), description="K", agency=region["health"], user=None)
    lcase = in_person(date(2024, 4, 1), description="L", agency=region["health"], user=None)
    lcase = services.transfer(lcase, user=None, to_agency=region["edu"], reason="属教育局职责", on=date(2024, 4, 3))
    services.reply(lcase, user=h, outcome="granted", on=date(2024, 4, 20), **ok)


def test_table_three_2024_for_one_agency_counted_by_hand(region, cases):
    cells = table_three([region["edu"].pk], 2024)
    assert len(cells) == 175
    assert nonzero(cells) == {
        # received in 2024 at edu: B, G, I, L (np); C (企业); H (科研); F (律所). D is received 2025, E never.
        "t3.received_new.natural_person": 4, "t3.received_new.commercial_enterprise": 1,
        "t3.received_new.research_institution": 1, "t3.received_new.legal_service_org": 1,
        "t3.received_new.total": 7,
        "t3.carried_in.natural_person": 1, "t3.carried_in.total": 1,  # A
        "t3.granted.natural_person": 2, "t3.granted.total": 2,  # A, L (counted where it closed)
        "t3.partially_granted.natural_person": 1, "t3.partially_granted.total": 1,  # B
        "t3.withheld_third_party_rights.commercial_enterprise": 1, "t3.withheld_third_party_rights.total": 1,
        "t3.unavailable_not_held.natural_person": 1, "t3.unavailable_not_held.total": 1,  # I, archived
        "t3.other_no_correction.natural_person": 1, "t3.other_no_correction.total": 1,  # G
        "t3.other_misc.research_institution": 1, "t3.other_misc.total": 1,  # H
        "t3.closed_total.natural_person": 5, "t3.closed_total.commercial_enterprise": 1,
        "t3.closed_total.research_institution": 1, "t3.closed_total.total": 7,
        "t3.carried_out.legal_service_org": 1, "t3.carried_out.total": 1,  # F
    }


def test_table_three_f2019_merges_the_other_rows(region, cases):
    cells = table_three([region["edu"].pk], 2024, report_format="2019")
    assert len(cells) == 161
    assert "t3.other_misc.total" not in cells
    assert cells["t3.other.natural_person"] == 1 and cells["t3.other.research_institution"] == 1  # G, H
    assert cells["t3.other.total"] == 2
    assert cells["t3.closed_total.total"] == 7


def test_table_three_neighbouring_years_and_other_agency(region, cases):
    assert nonzero(table_three([region["edu"].pk], 2023)) == {
        "t3.received_new.natural_person": 1, "t3.received_new.other_org": 1, "t3.received_new.total": 2,  # A, J
        "t3.granted.other_org": 1, "t3.granted.total": 1,  # J
        "t3.closed_total.other_org": 1, "t3.closed_total.total": 1,
        "t3.carried_out.natural_person": 1, "t3.carried_out.total": 1,  # A
    }
    assert nonzero(table_three([region["edu"].pk], 2025)) == {
        "t3.received_new.natural_person": 1, "t3.received_new.total": 1,  # D
        "t3.carried_in.legal_service_org": 1, "t3.carried_in.total": 1,  # F
        "t3.carried_out.natural_person": 1, "t3.carried_out.legal_service_org": 1, "t3.carried_out.total": 2,
    }
    assert nonzero(table_three([region["health"].pk], 2024)) == {
        "t3.received_new.natural_person": 2, "t3.received_new.total": 2,  # K, L (its own case, closed on transfer)
        "t3.unavailable_not_held.natural_person": 1, "t3.unavailable_not_held.total": 1,  # L: 第三十六条第（五）项
        "t3.closed_total.natural_person": 1, "t3.closed_total.total": 1,
        "t3.carried_out.natural_person": 1, "t3.carried_out.total": 1,  # K
    }
    subtree = Agency.objects.subtree_of(region["county"]).values_list("pk", flat=True)
    both = table_three(subtree, 2024)
    # L counts once at each agency: health answered it (not its information), edu received and answered its own.
    assert both["t3.received_new.natural_person"] == 6 and both["t3.carried_out.total"] == 2


def test_a_withdrawal_dated_before_receipt_counts_as_closed_on_the_receipt_day(region, in_person, handlers):
    """The service refuses a withdrawal dated before receipt; data written otherwise (an import, an old
    record: received 2025-01-02, withdrawal recorded as 2024-12-31) is counted as received and closed in 2025,
    never closed in 2024 before it was received."""
    case = in_person(date(2025, 1, 2))
    with pytest.raises(ValidationError, match="不能早于收到申请之日"):
        services.withdraw(case, user=handlers["handler"], on=date(2024, 12, 31), how="电话撤回，后补书面")
    DisclosureRequest.objects.filter(pk=case.pk).update(state="closed", outcome="other_misc",
                                                       closed_on=date(2024, 12, 31))
    assert nonzero(table_three([region["edu"].pk], 2024)) == {}
    assert nonzero(table_three([region["edu"].pk], 2025)) == {
        "t3.received_new.natural_person": 1, "t3.received_new.total": 1,
        "t3.other_misc.natural_person": 1, "t3.other_misc.total": 1,
        "t3.closed_total.natural_person": 1, "t3.closed_total.total": 1,
    }


def test_a_value_outside_the_table_is_an_error_not_a_silent_gap(region, in_person):
    case = in_person(date(2024, 3, 1))
    DisclosureRequest.objects.filter(pk=case.pk).update(applicant_type="individual")
    with pytest.raises(StatisticsDataError, match="individual"):
        table_three([region["edu"].pk], 2024)


@override_settings(GONGKAI_REPORT_CLOSED_DATE_FIELD="received_on")
def test_the_closed_date_rule_is_a_setting(region, cases):
    """Counting outcomes by receipt date (a deliberately odd rule): A moves to 2023, where it was received."""
    cells = table_three([region["edu"].pk], 2024)
    assert cells["t3.carried_in.total"] == 0 and cells["t3.granted.natural_person"] == 1  # L only
    assert cells["t3.carried_out.total"] == 1  # F is open


def test_legacy_counters_2017(region, person, handlers, in_person):
    """2008-regime cases at 教育局 (15 + 15 working days):

    P  当面, received 2016-12-20, answered 2017-01-05                          → closed 2017, on time
    Q  当面, received 2017-03-01, answered 2017-03-10                          → in_person, on time
    R  口头, received 2017-04-05, extension 15 WD on 04-20, answered 05-10     → in_person, extended
    S  挂号信, signed 2017-06-02 (due 06-23), answered 2017-07-20 (late)       → letter, extended
    T  传真, submitted 08-01, confirmed 2017-08-02, still open                 → fax
    U  平信, submitted 09-01, confirmed 2017-09-04, answered 2017-09-15         → letter, on time
    V  网络, submitted 2017-12-28, confirmed 2018-01-02                        → not 2017
    Appeals: review filed 05-01 upheld 07-01; review filed 11-01 pending; direct suit filed 03-01
    corrected 06-01; suit after review filed 08-01 upheld 12-01."""
    h, head = handlers["handler"], handlers["head"]
    ok = {"legal_basis": "《中华人民共和国政府信息公开条例》（2008）第二十一条", "reasons": "理由"}
    p = in_person(date(2016, 12, 20), description="P")
    services.reply(p, user=h, legacy_outcome="granted", on=date(2017, 1, 5), **ok)
    q = in_person(date(2017, 3, 1), description="Q")
    services.reply(q, user=h, legacy_outcome="granted", on=date(2017, 3, 10), **ok)
    r = in_person(date(2017, 4, 5), description="R", channel="oral")
    assert r.regime == "2008"
    r = services.start_processing(r, user=h)
    services.extend(r, user=head, working_days=15, reason="需要调取档案", approved_on=date(2017, 4, 20),
                    notified_on=date(2017, 4, 20))
    services.reply(r, user=h, legacy_outcome="granted", on=date(2017, 5, 10), **ok)
    s = in_person(date(2017, 6, 1), description="S", channel="registered_mail", signed_for_on=date(2017, 6, 2))
    s = services.reply(s, user=h, legacy_outcome="partially_granted", on=date(2017, 7, 20), **ok)
    assert s.closed_late
    t = in_person(date(2017, 8, 1), description="T", channel="fax")
    services.confirm_receipt(t, user=h, confirmed_on=date(2017, 8, 2))
    u = in_person(date(2017, 9, 1), description="U", channel="ordinary_mail")
    u = services.confirm_receipt(u, user=h, confirmed_on=date(2017, 9, 4))
    services.reply(u, user=h, legacy_outcome="not_exist", on=date(2017, 9, 15), **ok)
    v = in_person(date(2017, 12, 28), description="V", channel="online")
    services.confirm_receipt(v, user=h, confirmed_on=date(2018, 1, 2))
    edu = region["edu"]
    for kind, filed, result, decided in [("review", date(2017, 5, 1), "upheld", date(2017, 7, 1)),
                                         ("review", date(2017, 11, 1), "pending", None),
                                         ("suit_direct", date(2017, 3, 1), "corrected", date(2017, 6, 1)),
                                         ("suit_after_review", date(2017, 8, 1), "upheld", date(2017, 12, 1))]:
        Appeal.objects.create(agency=edu, kind=kind, subject="不服答复", body="演示县人民政府", filed_on=filed,
                              result=result, decided_on=decided)
    assert {**legacy_request_counters([edu.pk], 2017), **legacy_appeal_counters([edu.pk], 2017)} == {
        "lg.request.received": 5, "lg.request.in_person": 2, "lg.request.fax": 1, "lg.request.online": 0,
        "lg.request.letter": 2,
        "lg.request.closed": 5, "lg.request.closed_on_time": 3, "lg.request.closed_extended": 2,
        "lg.request.answered": 5, "lg.request.already_public": 0, "lg.request.granted": 3,
        "lg.request.partially_granted": 1, "lg.request.refused": 0, "lg.request.refused_state_secret": 0,
        "lg.request.refused_commercial_secret": 0, "lg.request.refused_privacy": 0,
        "lg.request.refused_security_stability": 0, "lg.request.refused_not_gov_info": 0,
        "lg.request.refused_other_legal": 0, "lg.request.not_this_agency": 0, "lg.request.not_exist": 1,
        "lg.request.told_to_amend": 0, "lg.request.told_other_channel": 0,
        "lg.review.total": 2, "lg.review.upheld": 1, "lg.review.corrected": 0, "lg.review.other": 1,
        "lg.suit.total": 2, "lg.suit.upheld": 1, "lg.suit.corrected": 1, "lg.suit.other": 0,
    }


def test_one_aggregate_query_per_table(region, cases, django_assert_num_queries):
    ids = [region["edu"].pk, region["health"].pk]
    with django_assert_num_queries(1):
        table_three(ids, 2024)
    with django_assert_num_queries(2):  # the requests, then the 2008-regime answers
        legacy_request_counters(ids, 2024)
    with django_assert_num_queries(1):  # 表四's counts (appeals.statistics)
        legacy_appeal_counters(ids, 2024)


def test_legacy_replies_fill_the_answer_rows_2008_article_21(region, in_person, handlers):
    """2008 条例 第二十一条 replies, counted in the 2014–2018 统计表 申请答复数 rows (hand-counted): received
    2017-03-01 … 03-03, replies 同意公开, 不同意公开·涉及商业秘密 and 申请信息不存在; one withdrawal (办结, not 答复)."""
    h = handlers["handler"]
    a, b, c, d = (in_person(date(2017, 3, day), description=f"申请{day}") for day in (1, 2, 3, 6))
    services.reply(a, user=h, legacy_outcome="granted", legal_basis="2008年条例第二十一条第（一）项", on=date(2017, 3, 10))
    services.reply(b, user=h, legacy_outcome="refused_commercial_secret", legal_basis="2008年条例第十四条",
                   reasons="涉及商业秘密", on=date(2017, 3, 10))
    services.reply(c, user=h, legacy_outcome="not_exist", legal_basis="2008年条例第二十一条第（三）项",
                   reasons="经检索不存在", on=date(2017, 3, 10))
    services.withdraw(d, user=h, on=date(2017, 3, 8), how="申请人书面撤回")
    cells = legacy_request_counters([region["edu"].pk], 2017)
    assert cells["lg.request.closed"] == 4 and cells["lg.request.answered"] == 3
    assert (cells["lg.request.granted"], cells["lg.request.refused"], cells["lg.request.refused_commercial_secret"],
            cells["lg.request.not_exist"], cells["lg.request.already_public"]) == (1, 1, 1, 1, 0)
    # The current row follows the §5.4 crosswalk: 商业秘密 → 保护第三方合法权益.
    b.refresh_from_db()
    assert b.outcome == "withheld_third_party_rights" and b.legacy_outcome == "refused_commercial_secret"
    with pytest.raises(ValidationError, match="2008年条例"):
        services.reply(in_person(date(2017, 3, 7), description="另一件"), user=h, outcome="granted", legal_basis="x",
                       on=date(2017, 3, 10))
