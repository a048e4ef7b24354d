"""意见征集 periods, moderation, feedback and closing; 回应关切 timers and the legacy 回应解读 cells.
Each test names its source."""

from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import services, statistics
from consultations.models import (
    CommentStatus,
    ConsultationState,
    OnlineInterview,
    PressConference,
)
from disclosure_requests import forms as request_forms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()


@pytest.fixture
def handler(make_staff, region):
    return make_staff("c-office", ("office_head", region["county"]))


def make(region, kind="rule_draft", opens=date(2024, 9, 2), closes=date(2024, 10, 1), **kw):
    return services.create_consultation(agency=kw.pop("agency", region["county"]), title=kw.pop("title", "某某管理办法（征求意见稿）"),
                                        kind=kind, draft_text="第一条 为了……", opens_on=opens, closes_on=closes, **kw)


def test_rule_draft_and_major_decision_need_30_days(region):
    """《重大行政决策程序暂行条例》第十五条, 《规章制定程序条例》第十五条, 《优化营商环境条例》第六十二条:
    一般不少于30日, both ends counted."""
    for kind in ("rule_draft", "major_decision", "market_normative_doc"):
        with pytest.raises(ValidationError) as error:
            make(region, kind=kind, opens=date(2024, 9, 2), closes=date(2024, 9, 30))  # 29 days
        assert "shortening_reason" in error.value.error_dict
        assert make(region, kind=kind, opens=date(2024, 9, 2), closes=date(2024, 10, 1)).pk  # 30 days


def test_normative_document_needs_7_working_days(region):
    """法治政府建设示范指标: 行政规范性文件 ≥ 7 working days, on the official calendar — 26 Sep to
    8 Oct 2024 spans the National Day holiday: 26, 27, 29 (调休), 30 Sep, 8 Oct = 5 working days."""
    with pytest.raises(ValidationError):
        make(region, kind="normative_doc", opens=date(2024, 9, 26), closes=date(2024, 10, 8))
    check = services.check_period("normative_doc", date(2024, 9, 26), date(2024, 10, 10))
    assert (check.working_days, check.short) == (7, False)
    assert make(region, kind="normative_doc", opens=date(2024, 9, 26), closes=date(2024, 10, 10)).pk


def test_shorter_period_is_allowed_with_a_reason(region):
    """《重大行政决策程序暂行条例》第十五条: 因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明."""
    c = make(region, kind="major_decision", opens=date(2024, 9, 2), closes=date(2024, 9, 10),
             shortening_reason="防汛应急需要，须在汛期前出台")
    assert c.shortening_reason


def test_minimums_come_from_settings(region, settings):
    """Minimums are settings (GONGKAI_CONSULTATION_MIN_DAYS), for kinds no national text covers."""
    settings.GONGKAI_CONSULTATION_MIN_DAYS = {"other": 10}
    with pytest.raises(ValidationError):
        make(region, kind="other", opens=date(2024, 9, 2), closes=date(2024, 9, 10))


def _open_now(region, handler, **kw):
    today = timezone.localdate()
    c = make(region, kind="other", opens=today - timedelta(days=1), closes=today + timedelta(days=5), **kw)
    return services.publish_consultation(c, user=handler)


def test_comments_are_moderated_and_personal_data_never_shown(region, handler, client):
    """Issue §2: comments moderated; personal data never shown (the privacy masking rule, docs/law/web.md
    §3)."""
    c = _open_now(region, handler)
    comment = services.submit_comment(c, body="建议第三条放宽。我的电话13995123456，王五", name="王五",
                                      contact="13995123456")
    url = reverse("consultations_public:detail", kwargs={"pk": c.pk})
    assert "放宽" not in client.get(url).content.decode()  # pending: hidden
    services.moderate_comment(comment, user=handler, approve=True)
    page = client.get(url).content.decode()
    assert "建议第三条放宽" in page and "13995123456" not in page and "王五" not in page
    with pytest.raises(ValidationError):
        services.moderate_comment(comment, user=handler, approve=False, reason="")


@pytest.mark.parametrize("carried", ["１３９９５１２３４５６", "139.9512.3456", "139 9512 3456", "110105 19491231 002X",
                                     "盐池县花马池镇盐州路88号"])
def test_full_width_dotted_and_spaced_numbers_are_masked_too(region, handler, client, carried):
    """Issue 16 §6: full-width digits, dotted or spaced phones and spaced ID numbers passed the masking, and
    such a comment was published (gongkai.pii, shared with the catalogue's 保密审查)."""
    c = _open_now(region, handler)
    comment = services.submit_comment(c, body=f"建议第三条放宽。联系我：{carried}。", name="", contact="")
    comment = services.moderate_comment(comment, user=handler, approve=True)
    assert comment.public_body == f"建议第三条放宽。联系我：{'*' * len(carried)}。"
    page = client.get(reverse("consultations_public:detail", kwargs={"pk": c.pk})).content.decode()
    assert carried not in page and "建议第三条放宽" in page


def test_no_comments_outside_the_period(region, handler):
    """docs/law/consultations.md §1: comments are taken during the period only."""
    c = make(region, kind="other", opens=date(2024, 9, 2), closes=date(2024, 9, 10))
    with pytest.raises(ValidationError):
        services.submit_comment(c, body="意见")  # not published


def test_feedback_before_close_with_reasons(region, handler):
    """docs/law/consultations.md §2: publish 采纳情况 and the reasons for not adopting; the consultation closes
    only after that."""
    c = _open_now(region, handler)
    first = services.submit_comment(c, body="意见一")
    second = services.submit_comment(c, body="意见二")
    services.moderate_comment(first, user=handler, approve=True)
    services.moderate_comment(second, user=handler, approve=True)
    after = c.closes_on + timedelta(days=1)
    with pytest.raises(ValidationError):  # during the period
        services.publish_feedback(c, user=handler, summary="说明", on=c.closes_on)
    with pytest.raises(ValidationError):  # undecided comments
        services.publish_feedback(c, user=handler, summary="说明", on=after)
    with pytest.raises(ValidationError):
        services.close_consultation(c, user=handler)
    services.decide_comment(first, user=handler, adoption="adopted")
    with pytest.raises(ValidationError):
        services.decide_comment(second, user=handler, adoption="not_adopted", rejection_reason="")
    services.decide_comment(second, user=handler, adoption="not_adopted", rejection_reason="与上位法不符")
    with pytest.raises(ValidationError):  # offline not-adopted comments need the overall reason
        services.publish_feedback(c, user=handler, summary="说明", offline_not_adopted=2, on=after)
    feedback = services.publish_feedback(c, user=handler, summary="共收到意见4条", offline_adopted=1,
                                         offline_partly=1, rejection_reason="部分意见超出本办法调整范围", on=after)
    assert (feedback.received_count, feedback.adopted_count, feedback.partly_count,
            feedback.not_adopted_count) == (4, 2, 1, 1)
    c = services.close_consultation(c, user=handler)
    assert c.state == ConsultationState.CLOSED


def test_feedback_deadline_and_overdue(region, handler, settings):
    """docs/law/consultations.md §2: feedback within a configurable time; late publication of 征集 results is
    deducted."""
    settings.GONGKAI_CONSULTATION_FEEDBACK_WD = 5
    c = _open_now(region, handler)
    assert c.feedback_due_on > c.closes_on
    assert not services.feedback_overdue(c, c.feedback_due_on)
    assert services.feedback_overdue(c, c.feedback_due_on + timedelta(days=1))


def test_final_document_links_back(region, handler):
    """Issue §2: the final document links back to its consultation (Consultation.final_document)."""
    from catalog import services as catalog_services
    from catalog.models import Genre

    c = _open_now(region, handler)
    services.publish_feedback(c, user=handler, summary="未收到意见", on=c.closes_on + timedelta(days=1))
    own = catalog_services.create_draft(publisher=region["county"], title="某某管理办法", summary="正式文件",
                                        genre=Genre.objects.get(code="notice")).document
    foreign = catalog_services.create_draft(publisher=region["edu"], title="别的文件", summary="概述",
                                            genre=Genre.objects.get(code="notice")).document
    with pytest.raises(ValidationError):
        services.close_consultation(c, user=handler, final_document=foreign)
    c = services.close_consultation(c, user=handler, final_document=own)
    assert list(own.consultations.all()) == [c]


def test_public_list_shows_open_ones_first(region, handler, client):
    """Issue §4: consultation list with open ones first."""
    old = make(region, kind="other", opens=date(2024, 9, 2), closes=date(2024, 9, 10), title="已结束的征集")
    from consultations.models import Consultation
    Consultation.objects.filter(pk=old.pk).update(state=ConsultationState.PUBLISHED)
    _open_now(region, handler, title="正在征集的办法")
    page = client.get(reverse("consultations_public:index")).content.decode()
    assert page.index("正在征集的办法") < page.index("已结束的征集")


def test_public_comment_form(region, handler, client):
    """Public form pattern: the human check; a comment is stored pending."""
    c = _open_now(region, handler)
    url = reverse("consultations_public:detail", kwargs={"pk": c.pk})
    _q, token, answer = request_forms.issue_challenge()
    response = client.post(url, {"body": "建议增加听证", "name": "", "contact": "", "challenge": token,
                                 "answer": str(answer)})
    assert response.status_code == 302
    assert c.comments.get().status == CommentStatus.PENDING
    _q, token, answer = request_forms.issue_challenge()
    assert client.post(url, {"body": "x", "challenge": token, "answer": "99"}).status_code == 200
    assert c.comments.count() == 1


# --- 回应关切 (docs/law/consultations.md §3) and legacy cells --------------------------------------------


def _at(*args):
    return timezone.make_aware(datetime(*args))


def test_major_incident_timers_5_and_24_hours(region, handler):
    """Public-concern timers (docs/law/consultations.md §3), 国办发〔2016〕61号: authoritative information
    ≤ 5 h, press conference ≤ 24 h."""
    concern = services.record_concern(agency=region["county"], user=handler, topic="某地山体滑坡",
                                      occurred_at=_at(2024, 7, 1, 8), is_major=True,
                                      authoritative_at=_at(2024, 7, 1, 12, 30),
                                      press_conference_at=_at(2024, 7, 2, 9), channels=["press_conference"])
    authoritative, press = services.timers(concern, now=_at(2024, 7, 3))
    assert authoritative.met is True and press.met is False


def test_ordinary_concern_48_hours_and_pending(region, handler):
    """Public-concern timers (docs/law/consultations.md §3), 国办发〔2016〕80号: other 政务舆情 answered
    ≤ 48 h; an unanswered one is late after 48 h."""
    concern = services.record_concern(agency=region["county"], user=handler, topic="学校周边交通",
                                      occurred_at=_at(2024, 7, 1, 8))
    assert services.timers(concern, now=_at(2024, 7, 2, 8))[0].met is None
    assert services.timers(concern, now=_at(2024, 7, 3, 9))[0].met is False
    with pytest.raises(ValidationError):
        services.record_concern(agency=region["county"], user=handler, topic="x", occurred_at=_at(2024, 7, 1, 8),
                                responded_at=_at(2024, 6, 30))


def test_legacy_response_cells(region, handler):
    """docs/law/annual-report.md §5, rows 12–20 of the legacy table (lg.response.*): a hot topic counts once
    whatever its channels."""
    services.record_concern(agency=region["county"], user=handler, topic="热点一", occurred_at=_at(2018, 3, 1, 9),
                            responded_at=_at(2018, 3, 1, 15), channels=["weibo_wechat", "website"])
    services.record_concern(agency=region["edu"], user=handler, topic="热点二", occurred_at=_at(2018, 5, 1, 9),
                            channels=["weibo_wechat"])
    services.record_concern(agency=region["other"], user=None, topic="邻县", occurred_at=_at(2018, 5, 1, 9))
    services.record_event(PressConference, agency=region["county"], user=handler, title="发布会",
                          held_on=date(2018, 6, 1), head_attended=True)
    services.record_event(PressConference, agency=region["edu"], user=handler, title="发布会二",
                          held_on=date(2018, 6, 2))
    services.record_event(OnlineInterview, agency=region["edu"], user=handler, title="访谈",
                          held_on=date(2018, 6, 3))
    from orgs.models import Agency
    cells = statistics.legacy_response_cells(Agency.objects.filter(path__startswith=region["county"].path), 2018)
    assert cells["lg.response.hot_topics"] == 2
    assert cells["lg.response.weibo_wechat_events"] == 2 and cells["lg.response.other_events"] == 1
    assert (cells["lg.response.press_conferences"], cells["lg.response.press_conferences_by_head"]) == (2, 1)
    assert (cells["lg.response.online_interviews"], cells["lg.response.online_interviews_by_head"]) == (1, 0)
    assert cells["lg.response.interpretations"] == 0


def test_responses_page_records_and_shows(client, handler, region):
    client.force_login(handler)
    url = reverse("consultations:responses")
    response = client.post(url, {"kind": "press", "press-agency": region["county"].pk, "press-title": "新闻发布会",
                                 "press-held_on": "2018-06-01", "press-head_attended": "on"})
    assert response.status_code == 302
    page = client.get(url + "?year=2018").content.decode()
    assert "新闻发布会" in page and "lg.response.press_conferences" in page


def test_workbench_pages_render(client, handler, region):
    """Issue §4: consultation list / create / detail with moderation and feedback forms."""
    client.force_login(handler)
    assert client.get(reverse("consultations:index")).status_code == 200
    response = client.post(reverse("consultations:create"), {
        "agency": region["county"].pk, "title": "规章草案", "kind": "rule_draft", "draft_text": "第一条",
        "opens_on": "2024-09-02", "closes_on": "2024-09-20"})
    assert response.status_code == 200 and "缩短期限须说明理由" in response.content.decode()
    c = _open_now(region, handler)
    services.submit_comment(c, body="一条意见", name="赵六")
    page = client.get(reverse("consultations:detail", kwargs={"pk": c.pk})).content.decode()
    assert "一条意见" in page and "保存审核结果" in page
    comment = c.comments.get()
    response = client.post(reverse("consultations:moderate", kwargs={"pk": c.pk}),
                           {f"m{comment.pk}-comment": comment.pk, f"m{comment.pk}-approve": "0",
                            f"m{comment.pk}-reason": ""})
    assert response.status_code == 200 and "不予显示须说明理由" in response.content.decode()
    response = client.post(reverse("consultations:moderate", kwargs={"pk": c.pk}),
                           {f"m{comment.pk}-comment": comment.pk, f"m{comment.pk}-approve": "1"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED and "赵六" not in comment.public_body


def test_final_document_is_linked_from_the_page_after_closing(region, handler, client):
    """link_final_document: a document published after the consultation closed is linked on its page."""
    from catalog import services as catalog_services
    from catalog.models import Document, Genre

    c = _open_now(region, handler)
    services.publish_feedback(c, user=handler, summary="未收到意见", on=c.closes_on + timedelta(days=1))
    c = services.close_consultation(c, user=handler)
    own = catalog_services.create_draft(publisher=region["county"], title="某某管理办法", summary="正式文件",
                                        genre=Genre.objects.get(code="notice")).document
    Document.objects.filter(pk=own.pk).update(index_number="TEST-2024-0001")
    client.force_login(handler)
    url = reverse("consultations:link_document", args=[c.pk])
    assert "关联最终文件" in client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert "未找到该索引号" in client.post(url, {"document_index": "NOPE"}).content.decode()
    assert client.post(url, {"document_index": ""}).status_code == 200  # required here
    response = client.post(url, {"document_index": "TEST-2024-0001"})
    assert response.status_code == 302
    assert list(own.consultations.all()) == [c]
