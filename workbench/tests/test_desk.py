"""The 待办 desk (workbench home): per role, only what that user may act on, counted, each kind linking to
its filtered list, and that list showing the same items."""

from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from workbench.desk import desk_for

TODAY = date(2024, 11, 20)  # a Wednesday


def freeze(monkeypatch, day: date) -> None:
    real_localdate = timezone.localdate
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: real_localdate(value, timezone) if value is not None else day)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def items(user, today=TODAY) -> dict:
    return {item.key: item for group in desk_for(user, today) for item in group.items}


def test_request_handler_sees_the_cases_of_their_agency_by_urgency(desk):
    mine = items(desk["people"]["handler"])
    assert mine["requests_submitted"].count == 1
    pending = mine["requests_submitted"].rows[0]
    assert desk["cases"]["fax"].tracking_number in pending.text
    assert "已等待 19 天" in pending.note and "超过确认期限" in pending.note and pending.flagged
    assert mine["requests_submitted"].urgent
    assert [r.text.split(" ")[0] for r in mine["requests_due_soon"].rows] == [desk["cases"]["soon"].tracking_number]
    assert "剩余 3 个工作日" in mine["requests_due_soon"].rows[0].note
    overdue = mine["requests_overdue"]
    assert overdue.count == 1 and desk["cases"]["overdue"].tracking_number in overdue.rows[0].text
    assert "已逾期" in overdue.rows[0].note and "-" not in overdue.rows[0].note.split("个工作日")[0]
    # Not theirs to act on: documents, reports, background jobs; nothing of the neighbouring county.
    assert not any(key.startswith(("documents_", "reports_", "figures_", "jobs_")) for key in mine)
    assert items(desk["people"]["other_handler"])["requests_overdue"].count == 1
    assert items(desk["people"]["town_handler"])["requests_overdue"].count == 0


def test_office_sees_the_subtree_letters_and_failed_jobs(desk):
    for who in ("head", "staff"):
        office = items(desk["people"][who])
        assert office["requests_overdue"].count == 1  # 教育局's case, in the county's subtree
        assert office["letters_unscreened"].count == 1
        assert office["letters_unscreened"].rows[0].text.endswith("学校招生咨询")
        assert office["jobs_failed"].count == 1 and office["jobs_failed"].rows[0].text == "重建文件索引"
        assert "reports_draft" in office
    assert "reports_submitted" in items(desk["people"]["head"])  # approval: the head, not the staff
    assert "reports_submitted" not in items(desk["people"]["staff"])
    assert items(desk["people"]["handler"])["letters_unscreened"].count == 0  # the county's mailbox, not 教育局's


def test_editor_and_reviewer_see_their_documents(desk):
    editor = items(desk["people"]["editor"])
    assert set(editor) == {"documents_drafts"}
    assert [r.text for r in editor["documents_drafts"].rows] == ["关于学校食堂管理的通知"]
    reviewer = items(desk["people"]["reviewer"])
    assert set(reviewer) == {"documents_secrecy", "documents_review"}
    assert [r.text for r in reviewer["documents_secrecy"].rows] == ["关于做好秋季学期学生资助工作的通知"]
    assert reviewer["documents_review"].count == 0


def test_the_desk_is_the_home_page_and_its_links_list_the_same_items(desk, client, monkeypatch):
    freeze(monkeypatch, TODAY)
    client.force_login(desk["people"]["handler"])
    page = client.get(reverse("workbench:home")).content.decode()
    assert "<h1>待办</h1>" in page and "待确认的申请" in page and desk["cases"]["fax"].tracking_number in page
    mine = items(desk["people"]["handler"])
    for key, case in (("requests_submitted", "fax"), ("requests_due_soon", "soon"), ("requests_overdue", "overdue")):
        listed = client.get(mine[key].url).content.decode()
        wanted = desk["cases"][case].tracking_number
        others = [c.tracking_number for name, c in desk["cases"].items() if name != case]
        all_list = listed.split('id="all-heading"')[1]
        assert wanted in all_list, key
        assert not any(number in all_list for number in others), key
    client.force_login(desk["people"]["reviewer"])
    listed = client.get(items(desk["people"]["reviewer"])["documents_secrecy"].url).content.decode()
    assert "关于做好秋季学期学生资助工作的通知" in listed and "关于学校食堂管理的通知" not in listed.split("<table")[-1]


def test_overdue_rows_in_the_queue_count_days_positively(desk, client, monkeypatch):
    freeze(monkeypatch, TODAY)
    client.force_login(desk["people"]["handler"])
    listed = client.get(reverse("disclosure_requests:index") + "?overdue=1").content.decode()
    assert "已逾期 " in listed and "已逾期 -" not in listed


def test_rectifications_and_publication_reviews_wait_on_the_right_desks(desk, region):
    """更正申请 (第四十一条) wait for the handlers of their agency; a reply proposed for publication waits for a
    reviewer who neither wrote it nor proposed it (docs/law/letters-mailbox.md)."""
    from mailboxes import services as letter_services
    from mailboxes.models import Letter
    from rectifications import services as rectification_services

    case = rectification_services.submit(
        agency=region["edu"], applicant=rectification_services.Applicant(name="马文静", phone="13995123456"),
        record_description="资助名单中本人的出生日期", inaccuracy="应为1990年5月1日", evidence="户口簿",
        received_on=date(2024, 10, 8))
    handler = items(desk["people"]["handler"])["rectifications_open"]
    assert handler.count == 1 and case.number in handler.rows[0].text and handler.rows[0].flagged and handler.urgent
    assert items(desk["people"]["other_handler"])["rectifications_open"].count == 0

    head, staff = desk["people"]["head"], desk["people"]["staff"]
    letter = Letter.objects.get(subject="学校招生咨询")
    letter = letter_services.screen(letter, user=head, valid=True, on=date(2024, 11, 18))
    letter = letter_services.reply(letter, user=head, text="报名时间为7月。", on=date(2024, 11, 19))
    letter_services.propose_publication(letter, user=head, public_body="请问报名时间？", public_reply="7月。")
    assert items(head, TODAY)["letters_publication"].count == 0  # the author does not review it
    reviewer = items(staff, TODAY)["letters_publication"]
    assert reviewer.count == 1 and reviewer.url.endswith("view=publication")
    letter_services.rate_reply(letter, satisfaction="dissatisfied")
    assert items(staff, TODAY)["letters_poorly_rated"].count == 1
