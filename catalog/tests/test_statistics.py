"""表二 第二十条第（一）项 from the catalogue (条例 第二十条第（一）项; annual-report-formats.md §3.2)."""

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
