"""表二 第二十条第（一）项 from the catalogue (条例 第二十条第（一）项; 国办公开办函〔2021〕30号 format, 表二)."""

from datetime import date

import pytest

from catalog import services
from catalog.models import Validity
from catalog.statistics import article_20_item_1

pytestmark = pytest.mark.django_db


def published(region, draft_fields, number, written_on, **extra):
    doc = services.create_draft(publisher=region["edu"], **draft_fields(document_number=number, written_on=written_on,
                                                                        **extra)).document
    services.submit(doc)
    services.pass_secrecy_review(doc)
    return services.publish(doc, on=written_on).document


def test_issued_repealed_and_in_force_by_year(region, draft_fields, settings):
    """Hand-counted: A issued 2022, B issued 2023 and repealed 2024, C issued 2024, D issued 2024 and
    revised 2024, E expired 2023; X is 其他公文 and never counts."""
    a = published(region, draft_fields, "盐教发〔2022〕1号", date(2022, 3, 1))
    b = published(region, draft_fields, "盐教发〔2023〕2号", date(2023, 4, 3))
    c = published(region, draft_fields, "盐教发〔2024〕3号", date(2024, 5, 6))
    d = published(region, draft_fields, "盐教发〔2024〕4号", date(2024, 6, 3))
    e = published(region, draft_fields, "盐教发〔2023〕5号", date(2023, 1, 3))
    published(region, draft_fields, "盐教发〔2024〕6号", date(2024, 7, 1), kind="other")
    services.change_validity(b, validity=Validity.REPEALED, on=date(2024, 9, 1), replaced_by=c)
    services.change_validity(d, validity=Validity.AMENDED, on=date(2024, 11, 1))
    services.change_validity(e, validity=Validity.EXPIRED, on=date(2023, 12, 31))
    ids = [region["edu"].pk]
    settings.GONGKAI_T2_ISSUED_INCLUDES_REVISIONS = True
    assert article_20_item_1(ids, 2024) == {
        "t2.rules.issued": 0, "t2.rules.repealed": 0, "t2.rules.in_force": 0,
        "t2.normative_docs.issued": 3,  # C, D, and D's revision
        "t2.normative_docs.repealed": 1,  # B
        "t2.normative_docs.in_force": 3,  # A, C, D (B repealed, E expired)
    }
    settings.GONGKAI_T2_ISSUED_INCLUDES_REVISIONS = False
    assert article_20_item_1(ids, 2024)["t2.normative_docs.issued"] == 2
    # 2023: B and E issued; E expired on 31 December, so only A and B were in force at the year's end.
    assert article_20_item_1(ids, 2023)["t2.normative_docs.issued"] == 2
    assert article_20_item_1(ids, 2023)["t2.normative_docs.in_force"] == 2
    assert a.pk  # A stays in force throughout
    # Another agency's figures are its own.
    assert article_20_item_1([region["health"].pk], 2024)["t2.normative_docs.in_force"] == 0


def test_expired_documents_count_as_repealed_only_when_configured(region, draft_fields, settings):
    """国办公开办函〔2021〕30号 format, 表二 第二十条第（一）项 column 本年废止件数: the format gives the label and no
    note on documents that lapse (失效), so by default only 废止 counts; GONGKAI_T2_REPEALED_INCLUDES_EXPIRED
    adds 失效 for deployments told to count both. 现行有效件数 leaves both out either way."""
    kept = published(region, draft_fields, "盐教发〔2024〕11号", date(2024, 2, 1))
    repealed = published(region, draft_fields, "盐教发〔2024〕12号", date(2024, 3, 1))
    lapsed = published(region, draft_fields, "盐教发〔2024〕13号", date(2024, 4, 1))
    services.change_validity(repealed, validity=Validity.REPEALED, on=date(2024, 9, 1))
    services.change_validity(lapsed, validity=Validity.EXPIRED, on=date(2024, 10, 1))
    ids = [region["edu"].pk]
    settings.GONGKAI_T2_REPEALED_INCLUDES_EXPIRED = False
    cells = article_20_item_1(ids, 2024)
    assert (cells["t2.normative_docs.repealed"], cells["t2.normative_docs.in_force"]) == (1, 1)
    settings.GONGKAI_T2_REPEALED_INCLUDES_EXPIRED = True
    cells = article_20_item_1(ids, 2024)
    assert (cells["t2.normative_docs.repealed"], cells["t2.normative_docs.in_force"]) == (2, 1)
    assert kept.pk
