"""The 待办 desk in a browser, for two roles: each sees its own work, and a kind's link opens the list
filtered to exactly those items."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from catalog import services as catalog_services
from catalog.models import Genre, Topic
from disclosure_requests import services as request_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
APPLICANT = request_services.ApplicantData(
    applicant_type="natural_person", name="马文静", id_type="resident_id", id_number="11010519491231002X",
    phone="13995123456", address="盐池县花马池镇盐州路88号", postcode="751500")


def login(page, username):
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))


@pytest.fixture
def work(region, make_staff):
    handler = make_staff("edu-handler", ("request_handler", region["edu"]), first_name="静", last_name="马")
    editor = make_staff("edu-editor", ("editor", region["edu"]))
    reviewer = make_staff("edu-reviewer", ("reviewer", region["edu"]), first_name="敏", last_name="张")
    old = request_services.register(  # received long ago and never answered: overdue
        agency=region["edu"], user=handler, channel="in_person", applicant=APPLICANT,
        description="学生资助资金分配文件", requested_form="electronic", delivery_method="email",
        submitted_on=date(2024, 9, 2))
    fields = {"summary": "部署工作。", "genre": Genre.objects.get(code="normative"), "topic": Topic.objects.get(code="02"),
              "kind": "normative_document", "statutory_item": 1, "written_on": date(2024, 9, 2), "body": "<p>各学校：</p>"}
    document = catalog_services.create_draft(publisher=region["edu"], user=editor, title="关于学校食堂管理的通知",
                                             document_number="盐教发〔2024〕13号", **fields).document
    catalog_services.submit(document, user=editor)
    return {"handler": handler, "reviewer": reviewer, "case": old, "document": document}


def test_a_handler_starts_from_the_overdue_case(page, work):
    login(page, "edu-handler")
    expect(page.get_by_role("heading", name="待办", exact=True)).to_be_visible()
    overdue = page.locator('[data-desk="requests_overdue"]')
    expect(overdue).to_contain_text(work["case"].tracking_number)
    expect(overdue).to_contain_text("已逾期")
    expect(overdue).not_to_contain_text(re.compile(r"已逾期 -"))  # counted in working days, never "已逾期 -239"
    expect(page.get_by_text("待保密审查的文件")).to_have_count(0)  # not a handler's work
    overdue.get_by_role("link", name="已逾期").click()
    page.wait_for_url(re.compile(r"overdue=1"))
    expect(page.get_by_role("link", name=work["case"].tracking_number).first).to_be_visible()


def test_a_reviewer_starts_from_the_document_waiting_for_review(page, work):
    login(page, "edu-reviewer")
    waiting = page.locator('[data-desk="documents_secrecy"]')
    expect(waiting).to_contain_text("关于学校食堂管理的通知")
    expect(page.get_by_text("已逾期")).to_have_count(0)  # cases are not a reviewer's work
    waiting.get_by_role("link", name="关于学校食堂管理的通知").click()
    expect(page.get_by_role("heading", name="关于学校食堂管理的通知")).to_be_visible()
    page.get_by_role("button", name=re.compile("保密审查通过")).click()
    # The message says what happened and who acts next (the reviewer is the only one: no name to give).
    expect(page.get_by_text(re.compile("保密审查通过，已转审核"))).to_be_visible()
