"""Workbench pages: viewing for staff, changing for platform admins only, affected cases shown."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from workdays.calendar import add_working_days
from workdays.models import CalendarDay, WorkdayCalendar
from workdays.services import AffectedCase, register_due_date_provider, unregister_due_date_provider

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def staff(make_staff, region):
    return make_staff("clerk", ("office_staff", region["office"]))


@pytest.fixture
def admin(make_staff):
    return make_staff("root-admin", ("platform_admin", None))


@pytest.fixture
def provider():
    def due_dates(old, new):
        received = D("2024-09-25")
        yield AffectedCase("依申请〔2024〕7号 张三", "/workbench/requests/7/",
                           add_working_days(received, 20, count_start_day=False, snapshot=old).day,
                           add_working_days(received, 20, count_start_day=False, snapshot=new).day)

    register_due_date_provider(due_dates)
    yield
    unregister_due_date_provider(due_dates)


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("workdays:index"), reverse("workdays:year", args=[2024])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("workbench:login"))
    response = client.post(reverse("workdays:set_day", args=[2024]), {})
    assert response.status_code == 302


def test_index_lists_years_and_calculates(client, staff):
    client.force_login(staff)
    response = client.get(reverse("workdays:index"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "2024年" in text and "国办发明电〔2023〕7号" in text
    assert 'aria-current="page">工作日历</a>' in text  # nav entry registered in WorkdaysConfig.ready()
    response = client.get(reverse("workdays:index"), {"op": "add", "add-start": "2024-09-25", "add-n": "20",
                                                      "add-count_receipt_day": "no"})
    text = response.content.decode()
    assert "到期日：<strong>2024-10-28</strong>" in text
    assert "收到 2024-09-25；自次日起算；20 个工作日 → 2024-10-28（星期一）" in text
    assert "日历未确认" not in text


def test_calculator_shows_pause_and_unconfirmed_warning(client, staff):
    client.force_login(staff)
    response = client.get(reverse("workdays:index"), {
        "op": "add", "add-start": "2026-12-25", "add-n": "20", "add-count_receipt_day": "no",
        "add-pause_start": "2026-12-28", "add-pause_end": "2026-12-29", "add-pause_label": "征求第三方意见"})
    text = response.content.decode()
    # 12-28 counts (pause start), 12-29 does not; 2027-01-01 (元旦) is a holiday even in the unconfirmed year:
    # one day later than 2027-01-25 → 2027-01-26 (Tuesday).
    assert "到期日：<strong>2027-01-26</strong>" in text
    assert "日历未确认" in text and "2027年节假日安排未确认" in text
    assert "征求第三方意见 2026-12-28 至 2026-12-29：2026-12-29 不计，少计 1 个工作日" in text


def test_calculator_check_and_form_errors(client, staff):
    client.force_login(staff)
    text = client.get(reverse("workdays:index"), {"op": "check", "check-day": "2024-10-12"}).content.decode()
    assert "是工作日" in text and "调休补班（国庆节）" in text
    text = client.get(reverse("workdays:index"), {"op": "add", "add-start": "2024-09-25", "add-n": "0"}).content.decode()
    assert "到期日" not in text and 'class="errorlist' in text
    text = client.get(reverse("workdays:index"), {"op": "add", "add-start": "2024-09-25", "add-n": "20",
                                                  "add-pause_start": "2024-10-08"}).content.decode()
    assert "暂停区间须同时填写开始日期和结束日期" in text


def test_year_page_grid_for_staff_without_change_forms(client, staff):
    client.force_login(staff)
    response = client.get(reverse("workdays:year", args=[2024]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<caption>2024年10月</caption>" in text
    assert "调休上班日（国庆节）" in text and "法定节假日（国庆节）" in text
    assert "修改本年日历" not in text


def test_year_page_unconfirmed_year(client, staff):
    client.force_login(staff)
    text = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert "未录入" in text and "2027年节假日安排未确认" in text
    assert client.get(reverse("workdays:year", args=[1800])).status_code == 404


@pytest.mark.parametrize("name, data", [
    ("set_day", {"set-day": "2024-10-08", "set-kind": "holiday", "set-name": "地方节日", "set-reason": "x",
                 "set-action": "apply"}),
    ("remove_day", {"remove-day": "2024-10-01", "remove-reason": "x", "remove-action": "apply"}),
    ("set_status", {"status-status": "unconfirmed", "status-source_note": "", "status-action": "apply"}),
    ("sync", {"sync-reason": "", "sync-action": "apply"}),
])
def test_non_admin_staff_gets_403_on_changes(client, staff, name, data):
    client.force_login(staff)
    response = client.post(reverse(f"workdays:{name}", args=[2024]), data)
    assert response.status_code == 403
    assert WorkdayCalendar.objects.get(year=2024).version == 1
    assert CalendarDay.objects.filter(day="2024-10-01").exists()


def test_admin_sets_a_day_and_sees_affected_cases(client, admin, provider):
    client.force_login(admin)
    url = reverse("workdays:set_day", args=[2024])
    data = {"set-day": "2024-10-08", "set-kind": "holiday", "set-name": "地方节日",
            "set-reason": "自治区人民政府通知（测试）"}
    preview = client.post(url, {**data, "set-action": "preview"})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "修改预览（尚未保存）" in text and "依申请〔2024〕7号 张三" in text
    assert "2024-10-28" in text and "2024-10-29" in text
    assert WorkdayCalendar.objects.get(year=2024).version == 1

    response = client.post(url, {**data, "set-action": "apply"}, follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("workdays:year", args=[2024])
    assert "修改结果" in text and "受影响的未结案件" in text
    assert '<a href="/workbench/requests/7/">依申请〔2024〕7号 张三</a>' in text
    assert WorkdayCalendar.objects.get(year=2024).version == 2
    entry = AuditEntry.objects.get(action="workdays.day.set")
    assert entry.actor == admin and entry.note == "自治区人民政府通知（测试）"
    # The result is shown once.
    assert "修改结果" not in client.get(reverse("workdays:year", args=[2024])).content.decode()


def test_admin_removes_a_day_status_and_sync_with_no_affected_cases(client, admin):
    client.force_login(admin)
    response = client.post(reverse("workdays:remove_day", args=[2024]),
                           {"remove-day": "2024-10-12", "remove-reason": "测试", "remove-action": "apply"}, follow=True)
    text = response.content.decode()
    assert "已删除 2024-10-12 的调休上班日（国庆节）设置" in text
    assert "没有受影响的未结案件。" in text
    response = client.post(reverse("workdays:sync", args=[2024]), {"sync-action": "apply"}, follow=True)
    assert "2024年已同步：新增或修改 1 天，删除 0 天" in response.content.decode()
    response = client.post(reverse("workdays:set_status", args=[2024]), {
        "status-status": "unconfirmed", "status-source_note": "待核对", "status-action": "apply"}, follow=True)
    assert "2024年日历已设为“未确认”（第4版）" in response.content.decode()


def test_admin_bad_input_shows_chinese_error_and_changes_nothing(client, admin):
    client.force_login(admin)
    response = client.post(reverse("workdays:set_day", args=[2024]), {
        "set-day": "2024-10-09", "set-kind": "makeup_workday", "set-name": "", "set-reason": "x",
        "set-action": "apply"})
    assert response.status_code == 400
    assert "本来就是工作日，不能设为调休上班日" in response.content.decode()
    response = client.post(reverse("workdays:set_status", args=[2027]), {
        "status-status": "confirmed", "status-source_note": "通知", "status-action": "apply"})
    assert response.status_code == 400
    assert "不能确认" in response.content.decode()
    assert WorkdayCalendar.objects.get(year=2024).version == 1
    assert not WorkdayCalendar.objects.filter(year=2027).exists()


def test_admin_sees_change_forms(client, admin):
    client.force_login(admin)
    text = client.get(reverse("workdays:year", args=[2027])).content.decode()
    assert "修改本年日历" in text and "没有2027年的数据，无法同步" in text
    assert 'for="id_set-reason"' in text
