"""Every staff URL is scoped (docs/architecture.md, "Who may see what"; issue: "there is no view that forgets it").

The test walks the URL configuration: every route under /workbench/ must be listed below. A route that
names an object is requested by 公开办 staff of county A for an object of county B, by GET and POST, and
must answer 403 or 404; the same user must reach the same kind of object in its own county (so the test
can fail). A route without an object sends anonymous visitors to the login page."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEntry
from orgs.models import RoleAssignment

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = ("workbench/",)


def staff_routes():
    """(namespaced name, route, kwarg names) of every URL pattern under the staff prefixes."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and route.startswith(STAFF_PREFIXES):
                found.append((f"{namespace}{entry.name}", route, sorted(entry.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", "")
    return found


def _role_in(region, key):
    return RoleAssignment.objects.filter(agency=region[key]).first()


def _audit_in(region, key):
    return AuditEntry.objects.filter(agency=region[key]).first()


# For each object route: kwargs naming an object of agency `key`. Routes whose kwargs are not agency
# objects (e.g. a calendar year) say why and are checked for anonymous access only.
def _document_in(region, key):
    from catalog import services
    from catalog.models import Document, Genre

    existing = Document.objects.filter(publisher=region[key]).first()
    if existing:
        return existing
    return services.create_draft(publisher=region[key], title="测试文件", summary="概述",
                                 genre=Genre.objects.get(code="notice")).document


def _case_in(region, key):
    from datetime import date

    from disclosure_requests import services
    from disclosure_requests.models import DisclosureRequest

    existing = DisclosureRequest.objects.filter(agency=region[key]).first()
    if existing:
        return existing
    applicant = services.ApplicantData(applicant_type="natural_person", name="测试申请人", id_type="passport",
                                       id_number=f"E{region[key].pk:08d}", phone="13900000000")
    return services.register(agency=region[key], channel="in_person", applicant=applicant, description="测试申请",
                             requested_form="electronic", delivery_method="email", submitted_on=date(2024, 9, 25))


def _appeal_in(region, key):
    from datetime import date

    from appeals import services
    from appeals.models import Appeal

    existing = Appeal.objects.filter(agency=region[key]).first()
    if existing:
        return existing
    return services.create_appeal(agency=region[key], kind="review", subject="测试复议", body="演示市人民政府",
                                  filed_on=date(2024, 10, 8))


def _letter_in(region, key):
    from mailboxes import services
    from mailboxes.models import Letter, Mailbox

    existing = Letter.objects.filter(agency=region[key]).first()
    if existing:
        return existing
    mailbox = Mailbox.objects.create(agency=region[key], code=f"box-{region[key].code}", name="测试信箱")
    return services.submit_letter(mailbox=mailbox, writer=services.WriterData(name="测试来信人", phone="13900000000"),
                                  letter_type="inquiry", subject="测试来信", body="测试", consent_to_publish=True,
                                  attachments=[("a.txt", "附件内容".encode())])


def _consultation_in(region, key):
    from datetime import date

    from consultations import services
    from consultations.models import Consultation

    existing = Consultation.objects.filter(agency=region[key]).first()
    if existing:
        return existing
    return services.create_consultation(agency=region[key], title="测试征集", kind="other", draft_text="草案",
                                        opens_on=date(2024, 9, 2), closes_on=date(2024, 9, 30))


def _report_in(region, key):
    from reports import services
    from reports.models import AnnualReport

    existing = AnnualReport.objects.filter(agency=region[key]).first()
    return existing or services.create_draft(region[key], 2024, [region[key]], None)


def _checkup_batch_in(region, key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from report_checkup import services as checkup
    from report_checkup.models import CheckupBatch

    existing = CheckupBatch.objects.filter(agency=region[key]).first()
    return existing or checkup.check_uploads(None, region[key], [SimpleUploadedFile("r.txt", "测试".encode())])


def _rectification_in(region, key):
    from rectifications import services
    from rectifications.models import RecordRectificationRequest

    existing = RecordRectificationRequest.objects.filter(agency=region[key]).first()
    if existing:
        return existing
    case = services.submit(agency=region[key], applicant=services.Applicant(name="测试申请人", phone="13900000000"),
                           record_description="测试记录", inaccuracy="有误", files=[("证据.txt", "证据".encode())])
    return services.refer(case, competent_agency_name="有权机关")  # decided: its 告知书 exists


LETTER_ROUTES = ("detail", "screen", "assign", "extend", "reply", "publish", "approve_publication",
                 "return_publication", "unpublish", "convert")
RECTIFICATION_ROUTES = ("detail", "notice_pdf", "correct", "refuse", "transfer", "refer")


DISCLOSURE_REQUEST_ROUTES = ("detail", "confirm", "start", "correction_request", "correction_received",
                             "correction_lapsed", "opinion_open", "opinion_receipt", "opinion_close",
                             "opinion_notice", "extend", "reason_ask",
                             "reason_decide", "fee_notice", "fee_settled", "fee_lapsed", "reply", "on_the_spot",
                             "withdraw", "transfer", "notice_issue", "notice_delivery", "archive", "promote",
                             "notice_download", "release_files", "file_download")

OBJECT_ROUTES = {
    "orgs:detail": lambda r, key: {"pk": r[key].pk},
    "orgs:update": lambda r, key: {"pk": r[key].pk},
    "orgs:reorganise": lambda r, key: {"pk": r[key].pk},
    "orgs:roles": lambda r, key: {"pk": r[key].pk},
    "orgs:revoke_role": lambda r, key: {"pk": _role_in(r, key).pk},
    "audit:detail": lambda r, key: {"pk": _audit_in(r, key).pk},
    **{f"catalog:{name}": (lambda r, key: {"pk": _document_in(r, key).pk})
       for name in ("detail", "update", "submit", "secrecy_review", "return", "publish", "withdraw", "validity",
                    "interprets", "attach", "pii_decide")},
    **{f"disclosure_requests:{name}": (lambda r, key: {"pk": _case_in(r, key).pk})
       for name in DISCLOSURE_REQUEST_ROUTES},
    "appeals:detail": lambda r, key: {"pk": _appeal_in(r, key).pk},
    "appeals:decide": lambda r, key: {"pk": _appeal_in(r, key).pk},
    "monitoring:agency": lambda r, key: {"pk": r[key].pk},
    **{f"mailboxes:{name}": (lambda r, key: {"pk": _letter_in(r, key).pk}) for name in LETTER_ROUTES},
    "mailboxes:attachment": lambda r, key: {"pk": _letter_in(r, key).pk,
                                          "attachment_id": _letter_in(r, key).attachments.first().pk},
    "mailboxes:from_request": lambda r, key: {"pk": _case_in(r, key).pk},
    **{f"rectifications:{name}": (lambda r, key: {"pk": _rectification_in(r, key).pk})
       for name in RECTIFICATION_ROUTES},
    "rectifications:evidence": lambda r, key: {"pk": _rectification_in(r, key).pk,
                                               "evidence_id": _rectification_in(r, key).evidence_files.first().pk},
    **{f"consultations:{name}": (lambda r, key: {"pk": _consultation_in(r, key).pk})
       for name in ("detail", "publish", "moderate", "decide", "feedback", "close", "link_document")},
    "reports:detail": lambda r, key: {"pk": _report_in(r, key).pk},
    "reports:action": lambda r, key: {"pk": _report_in(r, key).pk},
    "reports:publish": lambda r, key: {"pk": _report_in(r, key).pk},
    "reports:narrative": lambda r, key: {"pk": _report_in(r, key).pk},
    "reports:export": lambda r, key: {"pk": _report_in(r, key).pk, "fmt": "json"},
    **{f"reports:{name}": (lambda r, key: {"agency": r[key].pk, "year": 2024})
       for name in ("figures", "figures_template", "figures_upload")},
    **{f"report_checkup:{name}": (lambda r, key: {"pk": _checkup_batch_in(r, key).pk})
       for name in ("batch", "xlsx", "json")},
    "portal_staff:edit": lambda r, key: {"agency_id": r[key].pk},
}
_CALENDAR = "工作日历按年份划分，全平台共用；查看对所有工作人员开放，修改仅限平台管理员。"
NOT_AGENCY_OBJECTS = {
    "workdays:year": _CALENDAR,
    "workdays:set_day": _CALENDAR,
    "workdays:remove_day": _CALENDAR,
    "workdays:set_status": _CALENDAR,
    "workdays:sync": _CALENDAR,
}
PLATFORM_ADMIN_CHANGES = ["workdays:set_day", "workdays:remove_day", "workdays:set_status", "workdays:sync"]
PUBLIC_STAFF_ROUTES = {"workbench:login", "workbench:logout"}


@pytest.fixture
def two_counties(region, make_staff):
    # Roles in both counties so that role and audit objects exist on both sides.
    make_staff("a-editor", ("editor", region["edu"]))
    make_staff("b-editor", ("editor", region["other_edu"]))
    # The head also drafts for 教育局, so every workflow button has an own object it may press.
    head = make_staff("a-head", ("office_head", region["county"]), ("editor", region["edu"]))
    make_staff("b-head", ("office_head", region["other"]))
    return region, head


def test_every_staff_route_is_classified():
    unknown = [name for name, _route, kwargs in staff_routes()
               if kwargs and name not in OBJECT_ROUTES and name not in NOT_AGENCY_OBJECTS]
    assert unknown == [], f"新的工作台 URL 未登记作用域测试：{unknown}"
    assert staff_routes(), "no staff routes found: the URL walk is broken"


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_foreign_objects_are_refused(client, two_counties, name):
    region, head = two_counties
    client.force_login(head)
    own = reverse(name, kwargs=OBJECT_ROUTES[name](region, "edu"))
    foreign = reverse(name, kwargs=OBJECT_ROUTES[name](region, "other_edu"))
    assert client.get(foreign).status_code in (403, 404, 405)
    assert client.post(foreign, {}).status_code in (403, 404, 405)
    # Positive control: the same kind of object in the user's own county is reachable.
    response = client.post(own) if name == "orgs:revoke_role" or _is_post_only(name) else client.get(own)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", PLATFORM_ADMIN_CHANGES)
def test_platform_wide_changes_are_refused_to_agency_staff(client, two_counties, name):
    _region, head = two_counties
    client.force_login(head)
    assert client.post(reverse(name, kwargs={"year": 2024}), {}).status_code == 403


def _is_post_only(name):
    if name.startswith("disclosure_requests:"):
        return name not in ("disclosure_requests:detail", "disclosure_requests:notice_download",
                            "disclosure_requests:file_download")
    if name == "appeals:decide":
        return True
    if name.startswith("rectifications:"):
        return name not in ("rectifications:detail", "rectifications:notice_pdf", "rectifications:evidence")
    if name.startswith("consultations:"):
        return name != "consultations:detail"
    if name.startswith("mailboxes:"):
        return name not in ("mailboxes:detail", "mailboxes:attachment", "mailboxes:from_request")
    return name.startswith("catalog:") and name not in ("catalog:detail", "catalog:update")


def test_every_staff_route_requires_login(client, region):
    login = reverse("workbench:login")
    for name, route, kwargs in staff_routes():
        if name in PUBLIC_STAFF_ROUTES:
            continue
        if kwargs and name in OBJECT_ROUTES:
            url = reverse(name, kwargs={k: 1 for k in kwargs})
        elif kwargs:
            url = reverse(name, kwargs={k: 2024 for k in kwargs})
        else:
            url = reverse(name)
        response = client.get(url)
        assert response.status_code in (302, 405), f"{route} answered {response.status_code} to an anonymous visitor"
        if response.status_code == 302:
            assert response["Location"].startswith(login), route


def test_department_staff_see_only_their_agency(client, region, make_staff):
    editor = make_staff("editor", ("editor", region["edu"]))
    client.force_login(editor)
    listing = client.get(reverse("orgs:index")).content.decode()
    assert region["edu"].name in listing
    assert region["health"].name not in listing and region["other"].name not in listing
    assert client.get(reverse("orgs:detail", kwargs={"pk": region["health"].pk})).status_code == 404
    # An editor may look but not manage.
    assert client.get(reverse("orgs:update", kwargs={"pk": region["edu"].pk})).status_code in (403, 404)


def test_exports_are_scoped(client, region, make_staff):
    head = make_staff("head", ("office_head", region["county"]))
    client.force_login(head)
    body = client.get(reverse("orgs:export") + "?format=csv").content.decode("utf-8-sig")
    assert region["edu"].code in body and region["other"].code not in body
