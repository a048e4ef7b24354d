"""The public-comment period counts from the day the draft actually went public, against the minimum of
the rule for its kind; a shorter period needs a reason that is stored, audited and published with the draft.
Each test names the article it checks."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consultations import conf, services
from consultations.models import ConsultationState

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """The clock stands at 10:00 on 7 December 2026 (publication refuses future dates, pages show today)."""
    now = timezone.make_aware(datetime(TODAY.year, TODAY.month, TODAY.day, 10))
    monkeypatch.setattr(timezone, "now", lambda: now)
    return TODAY


@pytest.fixture
def handler(make_staff, region):
    return make_staff("p-office", ("office_head", region["county"]))


def draft(region, kind="rule_draft", opens=date(2026, 3, 1), closes=date(2026, 3, 30), **kw):
    return services.create_consultation(agency=region["county"], title="某某管理办法（征求意见稿）", kind=kind,
                                        draft_text="第一条 为了……", opens_on=opens, closes_on=closes, **kw)


def test_rule_draft_period_counts_from_actual_publication(region, handler):
    """《规章制定程序条例》第十五条：向社会公布征求意见的期限一般不少于30日. Planned for 1–30 March (30 days),
    published on 20 March: the public had 11 days, so publication is refused without a reason or a later
    closing day; closing on 18 April gives the 30 days again."""
    c = draft(region)
    assert services.period_of(c).days == 30 and services.period_of(c).planned
    with pytest.raises(ValidationError) as error:
        services.publish_consultation(c, user=handler, on=date(2026, 3, 20))
    message = error.value.message_dict["shortening_reason"][0]
    assert "11 日" in message and "《规章制定程序条例》第十五条" in message and "2026-03-20" in message
    c.refresh_from_db()
    assert c.state == ConsultationState.DRAFT
    c = services.publish_consultation(c, user=handler, on=date(2026, 3, 20), closes_on=date(2026, 4, 18))
    period = services.period_of(c)
    assert (period.starts_on, period.days, period.short, period.planned) == (date(2026, 3, 20), 30, False, False)
    entry = AuditEntry.objects.filter(action="consultations.publish").get()
    assert entry.before == {"closes_on": "2026-03-30"}
    assert entry.after["closes_on"] == "2026-04-18" and entry.after["period"]["days"] == 30


def test_shorter_period_reason_is_stored_audited_and_published(region, handler, client):
    """《重大行政决策程序暂行条例》第十五条：公开征求意见的期限一般不少于30日；因情况紧急等原因需要缩短期限的，
    公开征求意见时应当予以说明. The reason given at publication is stored, written to the audit trail with the
    period the public actually had, and shown on the public page with the draft."""
    today = timezone.localdate()
    c = draft(region, kind="major_decision", opens=today - timedelta(days=20), closes=today + timedelta(days=9))
    reason = "防汛应急需要，须在主汛期前出台"
    c = services.publish_consultation(c, user=handler, shortening_reason=reason)
    assert c.shortening_reason == reason
    entry = AuditEntry.objects.filter(action="consultations.publish").get()
    assert entry.note == reason and entry.after["shortening_reason"] == reason
    assert entry.after["period"] == {"starts_on": today.isoformat(), "days": 10, "working_days": entry.after[
        "period"]["working_days"], "minimum": "30 日", "rule": "《重大行政决策程序暂行条例》第十五条", "short": True}
    page = client.get(reverse("consultations_public:detail", kwargs={"pk": c.pk})).content.decode()
    assert "缩短期限的理由" in page and reason in page


def test_market_normative_document_minimum_cites_its_article(region):
    """《优化营商环境条例》第六十二条：与市场主体生产经营活动密切相关的行政规范性文件，公开征求意见的期限
    一般不少于30日. 29 days is short and the check names the article."""
    check = services.check_period("market_normative_doc", date(2026, 6, 1), date(2026, 6, 29))
    assert (check.days, check.short, check.minimum) == (29, True, "30 日")
    assert check.source == "《优化营商环境条例》第六十二条"
    with pytest.raises(ValidationError) as error:
        draft(region, kind="market_normative_doc", opens=date(2026, 6, 1), closes=date(2026, 6, 29))
    assert "《优化营商环境条例》第六十二条" in error.value.message_dict["shortening_reason"][0]


def test_defaults_are_the_national_minimums_and_overrides_say_so(settings):
    """conf defaults against their texts: 《规章制定程序条例》第十五条 (30日), 《重大行政决策程序暂行条例》
    第十五条 (30日), 《优化营商环境条例》第六十二条 (30日), 法治政府建设示范指标 (行政规范性文件 7个工作日).
    A deployment that changes a minimum gets “本地设置” as the basis, with the national text still quoted."""
    assert conf.DEFAULT_MIN_DAYS == {"rule_draft": 30, "major_decision": 30, "market_normative_doc": 30}
    assert conf.DEFAULT_MIN_WD == {"normative_doc": 7}
    assert conf.rule_for("rule_draft").source == "《规章制定程序条例》第十五条"
    assert conf.rule_for("major_decision").source == "《重大行政决策程序暂行条例》第十五条"
    assert conf.rule_for("normative_doc").source.startswith("法治政府建设示范指标")
    assert conf.rule_for("other") is None
    settings.GONGKAI_CONSULTATION_MIN_DAYS = {"rule_draft": 45}
    local = conf.rule_for("rule_draft")
    assert (local.minimum, local.source) == (45, conf.LOCAL_SOURCE) and "《规章制定程序条例》第十五条" in local.text


def test_staff_pages_show_the_rule_and_publish_asks_for_a_reason(client, handler, region):
    """《规章制定程序条例》第十五条 on the staff pages: the create page lists each kind's minimum with its
    source; a draft whose planned start has passed shows the period from today, and publishing it without a
    reason or a later closing day is refused on the page."""
    client.force_login(handler)
    create = client.get(reverse("consultations:create")).content.decode()
    assert "《规章制定程序条例》第十五条" in create and "《优化营商环境条例》第六十二条" in create
    today = timezone.localdate()
    c = draft(region, opens=today - timedelta(days=25), closes=today + timedelta(days=4))
    url = reverse("consultations:detail", kwargs={"pk": c.pk})
    page = client.get(url).content.decode()
    assert "最短期限及依据" in page and "《规章制定程序条例》第十五条" in page and "期限不足" in page
    response = client.post(reverse("consultations:publish", kwargs={"pk": c.pk}),
                           {"closes_on": (today + timedelta(days=4)).isoformat(), "shortening_reason": ""})
    assert response.status_code == 200 and "缩短期限须说明理由" in response.content.decode()
    response = client.post(reverse("consultations:publish", kwargs={"pk": c.pk}),
                           {"closes_on": (today + timedelta(days=29)).isoformat(), "shortening_reason": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == ConsultationState.PUBLISHED and c.closes_on == today + timedelta(days=29)
