"""Shared data of the workbench tests: a county with work waiting for each role (the 待办 desk's cases)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import Genre, Topic
from disclosure_requests import services as request_services
from jobs.models import Job, JobState
from mailboxes import services as letter_services
from mailboxes.models import Mailbox

APPLICANT = request_services.ApplicantData(
    applicant_type="natural_person", name="马文静", id_type="resident_id", id_number="11010519491231002X",
    phone="13995123456", email="mwj@example.cn", address="盐池县花马池镇盐州路88号", postcode="751500")


@pytest.fixture
def desk(region, make_staff):
    people = {
        "handler": make_staff("edu-handler", ("request_handler", region["edu"])),
        "town_handler": make_staff("town-handler", ("request_handler", region["town"])),
        "head": make_staff("gkb-head", ("office_head", region["county"])),
        "staff": make_staff("gkb-staff", ("office_staff", region["county"])),
        "editor": make_staff("edu-editor", ("editor", region["edu"])),
        "reviewer": make_staff("edu-reviewer", ("reviewer", region["edu"])),
        "other_handler": make_staff("other-handler", ("request_handler", region["other_edu"])),
    }

    def case(agency, on, channel="in_person", user=None, description="2024年学生资助资金分配文件"):
        return request_services.register(
            agency=agency, user=user or people["handler"], channel=channel, applicant=APPLICANT,
            description=description, requested_form="electronic", delivery_method="email", submitted_on=on)

    cases = {
        "fax": case(region["edu"], date(2024, 11, 1), channel="fax"),  # 待确认 for 19 days
        "soon": case(region["edu"], date(2024, 10, 28)),  # due 25 November: within 5 working days
        "overdue": case(region["edu"], date(2024, 9, 2)),  # due in October
        "other": case(region["other_edu"], date(2024, 9, 2), user=people["other_handler"]),
    }
    genre, topic = Genre.objects.get(code="normative"), Topic.objects.get(code="02")
    fields = {"summary": "部署工作。", "genre": genre, "topic": topic, "kind": "normative_document",
              "statutory_item": 1, "written_on": date(2024, 9, 2), "body": "<p>各学校：</p>"}
    submitted = catalog_services.create_draft(publisher=region["edu"], user=people["editor"],
                                              title="关于做好秋季学期学生资助工作的通知",
                                              document_number="盐教发〔2024〕12号", **fields).document
    catalog_services.submit(submitted, user=people["editor"])
    catalog_services.create_draft(publisher=region["edu"], user=people["editor"], title="关于学校食堂管理的通知",
                                  document_number="盐教发〔2024〕13号", **fields)
    mailbox = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    letter_services.submit_letter(
        mailbox=mailbox, writer=letter_services.WriterData(name="马文静", phone="13995123456", email="mwj@example.cn",
                                                           address="盐池县花马池镇盐州路88号"),
        letter_type="inquiry", subject="学校招生咨询", body="请问今年小学招生的报名时间？", consent_to_publish=True,
        submitted_at=timezone.make_aware(datetime(2024, 11, 18, 10)))
    Job.objects.create(name="search.tasks.reindex_document", label="重建文件索引", state=JobState.FAILED,
                       error="连接超时", finished_at=timezone.make_aware(datetime(2024, 11, 19, 3)))
    return {"people": people, "cases": cases}
