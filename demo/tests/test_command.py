from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from demo.generator import DEMO_PASSWORD, DEMO_USERNAMES
from orgs.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the catalogue writes attachment files


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_if_empty_generates_the_county_then_print_logins_lists_everyone():
    out, _ = run("--profile", "county", "--if-empty", "--documents", "200", "--year", "2024")
    assert "已生成演示区域“盐池县”：37 个机构" in out
    assert Agency.objects.count() == 37
    assert "政府信息目录：" in out and "2024 年发布 200 条" in out
    out, _ = run("--print-logins")
    usernames = ["admin", "gkb-head", "gkb-staff"] + [
        f"{p}-{r}" for p in ("jyj", "wjj", "hmc") for r in ("editor", "reviewer", "handler")]
    for username in usernames:
        assert username in out
    assert set(usernames) <= set(DEMO_USERNAMES)
    assert DEMO_PASSWORD in out and "盐池县教育体育局" in out and "公开办负责人" in out
    assert "http://127.0.0.1:8000/" in out and "http://127.0.0.1:8000/workbench/" in out
    # The demo year's annual reports: the county's (all 37 units' figures), the two bureaux' published, one draft.
    from reports.models import AnnualReport, EnteredFigures, ReportStatus

    published = AnnualReport.objects.filter(year=2024, status=ReportStatus.PUBLISHED)
    assert sorted(r.agency.name for r in published) == ["盐池县人民政府", "盐池县卫生健康局", "盐池县教育体育局"]
    assert EnteredFigures.objects.filter(year=2024, status="approved").count() == 35  # the agencies not dissolved
    county = published.get(agency__code="yanchi")
    assert county.units.count() == 35
    assert all("（请填写" not in text for r in published for text in r.narrative.values())
    assert AnnualReport.objects.filter(year=2024, status=ReportStatus.DRAFT).count() == 1


def test_if_empty_leaves_an_existing_region_untouched(region):
    before = list(Agency.objects.values_list("id", "code", "name", "updated_at"))
    out, _ = run("--profile", "county", "--if-empty")
    assert "已存在" in out
    assert list(Agency.objects.values_list("id", "code", "name", "updated_at")) == before


def test_refuses_to_add_a_second_region_without_if_empty(region):
    with pytest.raises(CommandError, match="已有 7 个机构"):
        run("--profile", "county")


@override_settings(DEMO=False)
def test_production_guard():
    with pytest.raises(CommandError, match="拒绝运行"):
        run("--profile", "county")
    with pytest.raises(CommandError, match="拒绝运行"):
        run("--print-logins")
    assert Agency.objects.count() == 0
    out, _ = run("--profile", "county", "--force", "--documents", "0")
    assert Agency.objects.count() == 37 and "已生成" in out


def test_print_logins_before_any_demo():
    out, _ = run("--print-logins")
    assert "还没有演示用户" in out and "http://127.0.0.1:8000/workbench/" in out
    assert Agency.objects.count() == 0


def test_province_with_progress_on_stderr():
    out, err = run("--profile", "province", "--scale", "0.1", "--seed", "5")
    assert Agency.objects.count() == 306
    assert "306/306" in err and "306 个机构" in out
    out, _ = run("--print-logins")
    assert "xz-handler" in out and "jyj-editor" in out


def test_bad_scale_is_a_command_error():
    with pytest.raises(CommandError, match="--scale"):
        run("--profile", "county", "--scale", "2")
    with pytest.raises(CommandError, match="规模过大"):
        run("--profile", "city", "--scale", "20")
    with pytest.raises(CommandError, match="至少为 200"):
        run("--profile", "county", "--documents", "50")
    with pytest.raises(CommandError, match="县级演示区域"):
        run("--profile", "city", "--scale", "0.1", "--documents", "500")
    assert Agency.objects.count() == 0


def test_the_demo_lives_relative_to_today(monkeypatch):
    """Built on a (frozen) day, the demo's last full year is complete and the current year runs up to that
    day: every printed login has work on its 待办 desk, overdue counts are a few working days, monitoring
    passes for almost every agency, and a consultation is open (issue 19)."""
    from datetime import date, datetime, time

    from django.utils import timezone

    from consultations.models import Consultation, ConsultationState
    from disclosure_requests.models import OPEN_STATES, DisclosureRequest
    from monitoring.services import run_checks
    from workbench.desk import desk_for

    today = date(2025, 11, 20)
    real_localdate = timezone.localdate
    moment = timezone.make_aware(datetime.combine(today, time(15, 0)))
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: real_localdate(value, timezone) if value is not None else today)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    out, _ = run("--profile", "county", "--documents", "400")
    assert "2025年（截至11月20日）" in out
    # The last full year is complete: nothing received in 2024 is still open.
    assert not DisclosureRequest.objects.filter(received_on__year=2024, state__in=OPEN_STATES).exists()
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
        assert sum(g.total for g in desk_for(user)) > 0, user.username
    overdue = DisclosureRequest.objects.filter(state__in=OPEN_STATES, due_on__lt=today)
    assert overdue.count() == 1 and all((today - c.due_on).days < 10 for c in overdue)
    assert Consultation.objects.filter(state=ConsultationState.PUBLISHED, opens_on__lte=today,
                                       closes_on__gte=today).exists()
    failing = set(run_checks(today=today).issues.filter(severity="error").values_list("agency_id", flat=True))
    assert len(failing) <= 3, failing  # was 35 of 37 with a demo frozen in its year
