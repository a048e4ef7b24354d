"""表四 on a handful of appeals; every expected cell was counted by hand from the list in the fixture."""

from datetime import date

import pytest
from django.test import override_settings

from appeals.models import Appeal
from appeals.statistics import table_four

pytestmark = pytest.mark.django_db


def nonzero(cells):
    return {k: v for k, v in cells.items() if v}


@pytest.fixture
def appeals(region):
    """教育局 unless said otherwise.

    R1 review filed 2024-03-01, upheld 2024-05-01
    R2 review filed 2024-11-01, corrected 2025-01-20 (pending on 31 Dec 2024)
    R3 review filed 2023-10-01, still pending
    R4 review filed 2023-12-01, corrected 2024-02-01
    S1 direct suit filed 2024-06-01, other 2024-09-01
    S2 suit after review filed 2024-07-01, pending
    S3 direct suit against 卫生健康局 filed 2024-02-02, corrected 2024-08-08
    """
    edu, health = region["edu"], region["health"]

    def appeal(agency, kind, filed, result="pending", decided=None):
        Appeal.objects.create(agency=agency, kind=kind, subject="不服答复", body="演示县人民政府", filed_on=filed,
                              result=result, decided_on=decided)

    appeal(edu, "review", date(2024, 3, 1), "upheld", date(2024, 5, 1))
    appeal(edu, "review", date(2024, 11, 1), "corrected", date(2025, 1, 20))
    appeal(edu, "review", date(2023, 10, 1))
    appeal(edu, "review", date(2023, 12, 1), "corrected", date(2024, 2, 1))
    appeal(edu, "suit_direct", date(2024, 6, 1), "other", date(2024, 9, 1))
    appeal(edu, "suit_after_review", date(2024, 7, 1))
    appeal(health, "suit_direct", date(2024, 2, 2), "corrected", date(2024, 8, 8))


@override_settings(GONGKAI_REPORT_APPEAL_YEAR_RULE="filed")
def test_filed_rule_counts_appeals_filed_in_the_year_with_their_status_at_31_december(region, appeals):
    """《中华人民共和国政府信息公开条例》第五十条第（三）项 and 表四 of the 国办公开办函〔2021〕30号 format, with
    GONGKAI_REPORT_APPEAL_YEAR_RULE="filed" (the former default): a case decided after 31 December keeps
    尚未审结 in its filing year and never shows its result (R2 is absent from 2025)."""
    cells = table_four([region["edu"].pk], 2024)
    assert len(cells) == 15
    assert nonzero(cells) == {
        "t4.review.upheld": 1, "t4.review.pending": 1, "t4.review.total": 2,  # R1, R2
        "t4.suit_direct.other": 1, "t4.suit_direct.total": 1,  # S1
        "t4.suit_after_review.pending": 1, "t4.suit_after_review.total": 1,  # S2
    }
    assert nonzero(table_four([region["edu"].pk], 2025)) == {}
    assert nonzero(table_four([region["edu"].pk], 2023)) == {
        "t4.review.pending": 2, "t4.review.total": 2}  # R3, R4 (decided 2024)


def test_default_rule_shows_a_decision_of_the_following_year_in_that_year(region, appeals, settings):
    """《中华人民共和国政府信息公开条例》第五十条第（三）项 (因政府信息公开工作被申请行政复议、提起行政诉讼的
    情况) and the 表四 of the 国办公开办函〔2021〕30号 format (结果维持/结果纠正/其他结果/尚未审结): a case filed
    in 2024 and decided in 2025 (R2) is 尚未审结 in 2024 and 结果纠正 in 2025. The format's text is silent on the
    year; the default (filed_or_pending) carries pending cases until decided and stays configurable."""
    del settings.GONGKAI_REPORT_APPEAL_YEAR_RULE  # the built-in default, whatever the deployment sets
    assert nonzero(table_four([region["edu"].pk], 2024)) == {
        "t4.review.upheld": 1, "t4.review.corrected": 1, "t4.review.pending": 2, "t4.review.total": 4,  # R1–R4
        "t4.suit_direct.other": 1, "t4.suit_direct.total": 1,
        "t4.suit_after_review.pending": 1, "t4.suit_after_review.total": 1,
    }
    # 2025: R3 still pending, R2 decided in 2025, S2 still pending.
    assert nonzero(table_four([region["edu"].pk], 2025)) == {
        "t4.review.corrected": 1, "t4.review.pending": 1, "t4.review.total": 2,
        "t4.suit_after_review.pending": 1, "t4.suit_after_review.total": 1,
    }


def test_one_aggregate_query(region, appeals, django_assert_num_queries):
    with django_assert_num_queries(1):
        table_four([region["edu"].pk], 2024)
