"""Each rule with a passing and a failing case; the docstring names the source document of the rule."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile

from catalog.models import Attachment, DisclosureAttribute, DocumentStatus
from monitoring.models import Severity
from monitoring.rules import RULES, Status
from orgs.models import Agency

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def check(rule_id, agencies=None, today=TODAY):
    agencies = list(agencies if agencies is not None else Agency.objects.order_by("path"))
    return RULES[rule_id].run(agencies, today)


def codes(issues):
    return sorted(issue.agency.code for issue in issues)


def test_registry_has_the_stable_ids_and_unverified_rules_only_warn():
    assert list(RULES) == ["homepage_freshness", "column_freshness.news", "column_freshness.notice_policy",
                           "empty_column", "late_publication", "missing_interpretation", "broken_internal_link",
                           "missing_attachment_file", "missing_publish_date", "overdue_requests", "letters_unanswered"]
    for rule in RULES.values():
        assert rule.title and rule.source and rule.threshold_label()
        if rule.status == Status.UNVERIFIED:
            assert rule.issue(None, "x", severity=Severity.ERROR).severity == Severity.WARNING


def test_six_months_before_clamps_to_the_month_end():
    rule = RULES["column_freshness.notice_policy"]
    assert rule.since(date(2024, 8, 31)) == date(2024, 2, 29)
    assert rule.since(date(2024, 3, 15)) == date(2023, 9, 15)


# --- homepage_freshness (docs/law/web.md §2 homepage fresh) ----------------------------------------------

def test_homepage_updated_within_two_weeks_passes_19hao(fresh_region):
    """国办秘函〔2019〕19号 单项否决: the region's newest public item is today."""
    assert check("homepage_freshness") == []


def test_homepage_not_updated_for_14_days_fails_19hao(region, doc):
    """国办秘函〔2019〕19号 单项否决: the homepage (newest public item of the region) is 14 days old → error;
    the neighbouring county, 8 days old, only gets the 7-day warning."""
    old = doc("edu", "news", 14)
    doc("edu", "news", 20)
    doc("other_edu", "notice", 8)
    # Not public: a draft and an on-request item newer than the homepage do not refresh it.
    doc("edu", "news", 1, status=DocumentStatus.DRAFT)
    doc("edu", "news", 1, disclosure_attribute=DisclosureAttribute.ON_REQUEST)
    issues = {i.agency.code: i for i in check("homepage_freshness")}
    assert issues["county"].severity == Severity.ERROR and "14 天" in issues["county"].measured
    assert issues["county"].items[0]["document_id"] == old.pk
    assert issues["other"].severity == Severity.WARNING
    assert set(issues) == {"county", "other"}  # only roots of the region carry a homepage


def test_homepage_threshold_is_a_setting_19hao(region, doc, settings):
    """国办秘函〔2019〕19号: GONGKAI_MONITOR_HOMEPAGE_DAYS / _WARN_DAYS override the 14/7 days."""
    doc("edu", "news", 5)
    doc("other_edu", "news", 0)
    assert check("homepage_freshness") == []
    settings.GONGKAI_MONITOR_HOMEPAGE_DAYS = 5
    assert codes(check("homepage_freshness")) == ["county"]


def test_homepage_without_any_dated_item_fails_2015_15hao(region, doc):
    """国办发〔2015〕15号: items without a date count as not updated."""
    doc("edu", "news", None)
    doc("other_edu", "news", 0)
    assert codes(check("homepage_freshness")) == ["county"]


# --- column_freshness (docs/law/web.md §2 columns fresh) -------------------------------------------------

def test_news_column_fresh_passes_19hao(fresh_region):
    """国办秘函〔2019〕19号 栏目不更新: 动态/要闻 updated today."""
    assert check("column_freshness.news") == []


def test_news_column_silent_for_two_weeks_fails_19hao(fresh_region, doc, region):
    """国办秘函〔2019〕19号 栏目不更新: 动态/要闻 silent for 2 weeks. 卫生健康局's news is only 13 days old."""
    from catalog.models import Document

    Document.objects.filter(publisher__in=[region["edu"], region["health"]], genre__code="news").delete()
    stale = doc("edu", "news", 14)
    doc("health", "news", 13)
    issues = check("column_freshness.news")
    assert codes(issues) == ["edu"]
    assert issues[0].severity == Severity.ERROR and issues[0].items[0]["document_id"] == stale.pk


def test_news_days_is_a_setting_19hao(fresh_region, doc, region, settings):
    """国办秘函〔2019〕19号: GONGKAI_MONITOR_NEWS_DAYS replaces the 2 weeks (e.g. 甘肃's weekly rule)."""
    from catalog.models import Document

    Document.objects.filter(publisher=region["edu"], genre__code="news").delete()
    doc("edu", "news", 8)
    assert check("column_freshness.news") == []
    settings.GONGKAI_MONITOR_NEWS_DAYS = 7
    assert codes(check("column_freshness.news")) == ["edu"]


def test_notice_and_policy_within_six_months_pass_19hao(fresh_region, doc, region):
    """国办秘函〔2019〕19号: 通知公告/政策文件 updated 5 months ago is not stale."""
    from catalog.models import Document

    Document.objects.filter(publisher=region["edu"], genre__code__in=["notice", "normative"]).delete()
    doc("edu", "notice", 150)
    doc("edu", "normative", 170, kind="other")
    assert check("column_freshness.notice_policy") == []


def test_notice_or_policy_silent_for_six_months_fails_19hao(fresh_region, doc, region):
    """国办秘函〔2019〕19号 栏目不更新: 通知公告 and 政策文件 first-level columns silent for 6 months; a newer
    政策解读 does not count as a 政策文件 update."""
    from catalog.models import Document

    Document.objects.filter(publisher=region["edu"], genre__code__in=["notice", "normative"]).delete()
    doc("edu", "notice", (TODAY - RULES["column_freshness.notice_policy"].since(TODAY)).days)
    doc("edu", "rule", 200, kind="rule")
    doc("edu", "interpretation", 1)
    issues = check("column_freshness.notice_policy")
    assert codes(issues) == ["edu", "edu"]
    assert {i.measured.split("栏目")[0] for i in issues} == {"通知公告", "政策文件"}


def test_notice_policy_months_is_a_setting_19hao(fresh_region, doc, region, settings):
    """国办秘函〔2019〕19号: GONGKAI_MONITOR_NOTICE_POLICY_MONTHS."""
    from catalog.models import Document

    Document.objects.filter(publisher=region["edu"], genre__code="notice").delete()
    doc("edu", "notice", 100)
    settings.GONGKAI_MONITOR_NOTICE_POLICY_MONTHS = 3
    assert codes(check("column_freshness.notice_policy")) == ["edu"]


# --- empty_column (docs/law/web.md §2 no empty columns, §1 statutory items) ------------------------------

def test_agencies_with_public_items_have_no_empty_column_19hao(fresh_region):
    """国办秘函〔2019〕19号 空白栏目."""
    assert check("empty_column") == []


def test_empty_statutory_column_fails_19hao(region, doc):
    """国办秘函〔2019〕19号 空白栏目 / 条例第二十条: 卫生健康局 and the town have nothing public (a draft does
    not count); 办公室 counts through a co-published document; a dissolved agency is not checked."""
    for key in ("county", "edu", "other", "other_edu"):
        doc(key, "news", 0)
    doc("health", "news", 0, status=DocumentStatus.DRAFT)
    doc("county", "notice", 0).co_publishers.add(region["office"])
    dissolved = Agency.objects.get(code="other-edu")
    dissolved.dissolved_on = TODAY - timedelta(days=1)
    dissolved.save()
    issues = check("empty_column")
    assert codes(issues) == ["health", "town"]
    assert issues[0].severity == Severity.ERROR
    assert issues[0].items[0]["url"] == "/agencies/health/statutory/"


# --- late_publication (docs/law/proactive-disclosure.md §2) ----------------------------------------------

def test_publication_within_20_working_days_passes_article_26(region, doc):
    """条例第二十六条: 20 working days is on time; a late one with 超期说明 or its own legal deadline is
    allowed; one published before the look-back window is not re-reported."""
    doc("edu", "notice", 5, publication_lag_wd=20)
    doc("edu", "notice", 5, publication_lag_wd=40, late_reason="法律规定须经公示期")
    doc("edu", "notice", 5, publication_lag_wd=40, publish_deadline_wd=45)
    doc("edu", "notice", 400, publication_lag_wd=60)
    assert check("late_publication") == []


def test_publication_after_20_working_days_fails_article_26(region, draft_fields, settings):
    """条例第二十六条 (国务院令第711号): published through the workflow 2 months after 成文 → late."""
    from catalog import services

    document = services.create_draft(publisher=region["edu"], **draft_fields(written_on=date(2024, 7, 1))).document
    services.submit(document)
    services.pass_secrecy_review(document)
    services.publish(document, on=date(2024, 9, 2))
    document.refresh_from_db()
    assert document.publication_lag_wd > 20
    issues = check("late_publication")
    assert codes(issues) == ["edu"] and issues[0].severity == Severity.ERROR
    assert issues[0].items[0]["document_id"] == document.pk
    settings.GONGKAI_PROACTIVE_PUBLISH_WD = 60
    assert check("late_publication") == []


# --- missing_interpretation (docs/law/web.md §1) ----------------------------------------------------------

def test_explained_documents_pass_2016_80hao(region, doc):
    """国办发〔2016〕80号 三同步: a 规范性文件 with a published 解读, and a policy document with a 无需解读
    reason, are fine; 其他公文 never need one."""
    normative = doc("edu", "normative", 3, kind="normative_document")
    doc("edu", "interpretation", 3).interprets.add(normative)
    doc("edu", "notice", 3, is_policy_document=True, interpretation_not_needed="仅为转发上级文件")
    doc("edu", "notice", 3, kind="other")
    assert check("missing_interpretation") == []


def test_unexplained_document_warns_2016_80hao(region, doc):
    """国办发〔2016〕80号 (UNVERIFIED here, P): no 解读 (a draft 解读 does not count) and no reason → warning."""
    normative = doc("edu", "normative", 3, kind="normative_document")
    doc("edu", "interpretation", 3, status=DocumentStatus.DRAFT).interprets.add(normative)
    issues = check("missing_interpretation")
    assert codes(issues) == ["edu"] and issues[0].severity == Severity.WARNING
    assert issues[0].items[0]["document_id"] == normative.pk


# --- broken_internal_link (docs/law/web.md §2 broken links) -----------------------------------------------

def test_working_internal_links_pass_19hao(region, doc, media):
    """国办秘函〔2019〕19号 扣分项 (断链): links to a public document, an existing agency and a public
    attachment, plus an external link (not checked here), are fine."""
    target = doc("health", "notice", 3)
    attachment = Attachment.objects.create(document=target, file=ContentFile(b"x", name="a.pdf"),
                                           original_name="a.pdf", content_type="application/pdf", size=1)
    doc("edu", "notice", 1, body=f'<p><a href="/documents/{target.pk}/">通知</a> <a href="/agencies/health/">卫健局</a> '
                                 f'<a href="http://localhost/attachments/{attachment.pk}/">附件</a> '
                                 f'<a href="https://www.gov.cn/documents/999999/">国务院</a></p>')
    assert check("broken_internal_link") == []


def test_broken_internal_links_warn_19hao(region, doc):
    """国办秘函〔2019〕19号 扣分项 (断链、错链; point values UNVERIFIED → warning): a withdrawn document, an
    unknown agency code and a missing attachment."""
    withdrawn = doc("health", "notice", 3, status=DocumentStatus.WITHDRAWN)
    source = doc("edu", "notice", 1, body=f'<p><a href="/documents/{withdrawn.pk}/">旧通知</a>'
                                          f'<a href="/agencies/nowhere/guide/">指南</a>'
                                          f'<a href="/attachments/987654/">附件</a></p>')
    issues = check("broken_internal_link")
    assert codes(issues) == ["edu"] and issues[0].severity == Severity.WARNING
    assert [i["detail"] for i in issues[0].items] == [f"/documents/{withdrawn.pk}/", "/agencies/nowhere/guide/",
                                                     "/attachments/987654/"]
    assert {i["document_id"] for i in issues[0].items} == {source.pk}


# --- missing_attachment_file (docs/law/web.md §1, §2 missing files) --------------------------------------

def test_attachment_files_present_pass_article_24(region, doc, media):
    """条例第二十四条 (下载) / 19号 扣分项: the stored file exists."""
    document = doc("edu", "notice", 1)
    Attachment.objects.create(document=document, file=ContentFile(b"x", name="a.pdf"), original_name="a.pdf",
                              content_type="application/pdf", size=1)
    assert check("missing_attachment_file") == []


def test_attachment_file_missing_warns_article_24(region, doc, media):
    """条例第二十四条 / 19号 扣分项 (UNVERIFIED → warning): the file was removed from storage."""
    document = doc("edu", "notice", 1)
    attachment = Attachment.objects.create(document=document, file=ContentFile(b"x", name="a.pdf"),
                                           original_name="办法全文.pdf", content_type="application/pdf", size=1)
    attachment.file.storage.delete(attachment.file.name)
    issues = check("missing_attachment_file")
    assert codes(issues) == ["edu"] and issues[0].severity == Severity.WARNING
    assert issues[0].items[0]["detail"] == "办法全文.pdf"


# --- missing_publish_date (docs/law/web.md §2 undated items, §1 metadata box) -----------------------------

def test_dated_public_items_pass_2015_15hao(region, doc):
    """国办发〔2015〕15号: every public item has a 发布日期 (a draft without one is not public)."""
    doc("edu", "news", 1)
    doc("edu", "news", None, status=DocumentStatus.DRAFT)
    assert check("missing_publish_date") == []


def test_public_item_without_date_fails_2015_15hao(region, doc):
    """国办发〔2015〕15号: an item without a date counts as not updated."""
    undated = doc("edu", "news", None)
    issues = check("missing_publish_date")
    assert codes(issues) == ["edu"] and issues[0].items[0]["document_id"] == undated.pk


# --- overdue_requests ------------------------------------------------------------------------------------

@pytest.fixture
def case(region):
    from disclosure_requests import services

    applicant = services.ApplicantData(applicant_type="natural_person", name="马文静", id_type="passport",
                                       id_number="E12345678", phone="13900000000")
    return services.register(agency=region["edu"], channel="in_person", applicant=applicant,
                             description="2024年学生资助资金分配文件", requested_form="electronic",
                             delivery_method="email", submitted_on=date(2024, 9, 2))


def test_open_request_within_deadline_passes_article_33(case):
    """条例第三十三条: 20 working days; checked on the due date itself."""
    assert case.due_on is not None
    assert check("overdue_requests", today=case.due_on) == []


def test_open_request_past_deadline_fails_article_33(case):
    """条例第三十三条: open the day after its due date → error naming the 受理编号."""
    issues = check("overdue_requests", today=case.due_on + timedelta(days=1))
    assert codes(issues) == ["edu"] and issues[0].severity == Severity.ERROR
    assert issues[0].items[0] == {"kind": "request", "request_id": case.pk, "label": case.tracking_number,
                                  "detail": f"答复期限 {case.due_on:%Y-%m-%d}，已逾期 1 天"}


def test_w22_letters_unanswered_over_three_months_19hao(region):
    """国办秘函〔2019〕19号 (the three-month line, docs/law/letters-mailbox.md): a valid letter unanswered for
    more than 3 months is a veto-level error."""
    import datetime as dt

    from mailboxes import services as letter_services
    from mailboxes.models import Letter, Mailbox
    from monitoring.rules import RULES

    mailbox = Mailbox.objects.create(agency=region["edu"], code="edu-box", name="局长信箱")
    letter = letter_services.submit_letter(
        mailbox=mailbox, writer=letter_services.WriterData(name="来信人", phone="13900000000"), letter_type="inquiry",
        subject="咨询学位", body="请问学位分配政策。", consent_to_publish=False)
    rule = RULES["letters_unanswered"]
    veto_on = Letter.objects.get(pk=letter.pk).veto_on
    assert rule.run([region["edu"]], veto_on) == []  # on the last day it is still within 3 months
    issues = rule.run([region["edu"]], veto_on + dt.timedelta(days=1))
    assert len(issues) == 1 and issues[0].severity == "error" and issues[0].items[0]["label"] == letter.number
    letter_services.screen(letter, valid=True)
    letter_services.reply(Letter.objects.get(pk=letter.pk), text="已答复。", on=letter.received_on)
    assert rule.run([region["edu"]], veto_on + dt.timedelta(days=1)) == []
