"""The production stack as a citizen and a 公开办 member meet it: HTTP through nginx (127.0.0.1:8080) to gunicorn's
4 workers, PostgreSQL, Redis, the background worker and the scheduler (deploy/stack.sh), and a second app server
behind nginx on 127.0.0.1:8089 sharing the database, Redis and the media folder.

Different citizens are different source addresses on the loopback (127.a.b.c): nginx passes the TCP peer
($remote_addr) on in X-Forwarded-For, as it does for real visitors, and the application believes exactly that
entry (GONGKAI_TRUSTED_PROXY_COUNT=1); what a client writes into X-Forwarded-For itself is not believed."""

import email
import json
import re
import secrets
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import quote

import pytest

from bench.load import Visitor, hidden_fields, resident_id
from report_checkup.tests.test_importers_fixtures import as_html, as_pdf

from .conftest import ROOT, stack_command

pytestmark = pytest.mark.stack

STACK_DIR = ROOT / "var" / "stack"
MAIL_DIR = STACK_DIR / "mail"
PASSWORD = "Gongkai@demo2026"  # noqa: S105 - the demo logins (`gongkai demo --print-logins`)


def first_agency(visitor: Visitor) -> str:
    page = visitor.get("/apply/")
    return re.search(r'href="/apply/agencies/([^/"]+)/"', page.text).group(1)


def application(fields: dict, marker: str) -> dict:
    serial = secrets.randbelow(10**6)
    fields.update({
        "applicant_type": "natural_person", "name": "栈测试申请人", "id_type": "resident_id",
        "id_number": resident_id(serial), "phone": "13900000000", "address": "", "postcode": "",
        "purpose": "", "description": f"请公开本机关2025年部门预算（{marker}）", "requested_form": "electronic",
        "delivery_method": "email", "email": f"stack{serial}@example.cn"})
    return fields


def submit(visitor: Visitor, agency: str, marker: str, headers=None):
    path = f"/apply/agencies/{agency}/"
    return visitor.post(path, application(visitor.form(path), marker), headers=headers)


def login(visitor: Visitor, username: str) -> None:
    fields = visitor.form("/workbench/login/")
    fields.update(username=username, password=PASSWORD)
    response = visitor.post("/workbench/login/", fields)
    assert response.status == 302, f"login {username}: HTTP {response.status}"


def audit_addresses(stack_db, marker_action: str, since_id: int) -> list[str]:
    rows = stack_db.execute("SELECT host(ip_address) FROM audit_auditentry WHERE action = %s AND id > %s",
                            [marker_action, since_id]).fetchall()
    return [row[0] for row in rows]


def last_audit_id(stack_db) -> int:
    return stack_db.execute("SELECT coalesce(max(id), 0) FROM audit_auditentry").fetchone()[0]


# --- The client's address -----------------------------------------------------------------------------------

def test_the_audit_trail_records_the_address_nginx_saw_not_one_the_client_wrote(stack_url, stack_db, new_address):
    citizen = Visitor(stack_url, new_address())
    agency = first_agency(citizen)
    before = last_audit_id(stack_db)
    # A forged X-Forwarded-For: nginx appends the real peer after it, and only that last entry is believed.
    response = submit(citizen, agency, secrets.token_hex(4), headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status == 302 and response.location.endswith("/apply/receipt/")
    assert audit_addresses(stack_db, "requests.submit", before) == [citizen.source]


def test_each_client_address_has_its_own_submission_limit(stack_url, new_address):
    """5 applications per address in 10 minutes (GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW): the sixth from one
    address is refused, while another address behind the same nginx is still served."""
    first, second = Visitor(stack_url, new_address()), Visitor(stack_url, new_address())
    agency = first_agency(first)
    answers = [submit(first, agency, secrets.token_hex(4)).status for _ in range(6)]
    assert answers == [302] * 5 + [429]
    assert submit(second, agency, secrets.token_hex(4)).status == 302


def test_the_lookup_limit_holds_across_all_gunicorn_workers(stack_url, new_address):
    """20 status look-ups per address in 10 minutes, counted in Redis: the 21st is refused whichever worker
    answers it. gunicorn's access log (deploy/stack.sh's format) names the worker process of each request."""
    address = new_address()
    probe = secrets.token_hex(6)

    def lookup(n):
        visitor = Visitor(stack_url, address)
        fields = visitor.form("/apply/status/")
        fields.update(tracking_number="YSQ-0000-00000", lookup_code="AAAAAAAA")
        return visitor.post(f"/apply/status/?probe={probe}-{n}", fields).status

    with ThreadPoolExecutor(4) as pool:
        first_twenty = list(pool.map(lookup, range(20)))
    assert first_twenty == [200] * 20  # answered ("受理编号或查询码不正确"), not refused
    assert [lookup(20 + n) for n in range(5)] == [429] * 5
    assert lookup(99) == 429
    other = Visitor(stack_url, new_address())
    fields = other.form("/apply/status/")
    fields.update(tracking_number="YSQ-0000-00000", lookup_code="AAAAAAAA")
    assert other.post("/apply/status/", fields).status == 200
    log = (STACK_DIR / "log" / "gunicorn-a-access.log").read_text(errors="replace")
    pids = set(re.findall(rf'pid=<?(\d+)>? "POST /apply/status/\?probe={probe}-\d+', log))
    assert len(pids) > 1, f"only worker(s) {pids} answered"


def test_a_human_check_is_accepted_once_across_workers_and_app_servers(stack_url, second_url, new_address):
    """One answered question posted six times at once, half through each app server, each post with other
    content: one application is made, the other posts are told the question was used."""
    address = new_address()
    first = Visitor(stack_url, address)
    agency = first_agency(first)
    path = f"/apply/agencies/{agency}/"
    fields = first.form(path)
    marker = secrets.token_hex(4)

    def post(n):
        visitor = Visitor(second_url if n % 2 else stack_url, address, cookies=dict(first.cookies))
        return visitor.post(path, application(dict(fields), f"{marker}-{n}"))

    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(post, range(6)))
    assert sorted(r.status for r in responses) == [200] * 5 + [302]
    assert all("该验证问题已使用过" in r.text for r in responses if r.status == 200)


# --- Mail -----------------------------------------------------------------------------------------------------

REMINDER_SETUP = """
import json
from disclosure_requests.models import DisclosureRequest, OPEN_STATES
from orgs.models import User
from orgs.scoping import Capability, has_capability
from workdays.calendar import is_working_day
from datetime import timedelta
case = next(c for c in DisclosureRequest.objects.filter(state__in=OPEN_STATES, due_on__isnull=False).order_by("pk"))
user = next(u for u in User.objects.filter(is_active=True).order_by("pk")
            if has_capability(u, Capability.REQUESTS_HANDLE, case.agency))
User.objects.filter(pk=user.pk).update(email="stack-reminder@example.cn")
DisclosureRequest.objects.filter(pk=case.pk).update(handler=user)
day = case.due_on
while not is_working_day(day):
    day -= timedelta(days=1)
from disclosure_requests.tasks import remind_requests
remind_requests.enqueue(day=day.isoformat())
print(json.dumps({"case": case.pk}))
"""


def mails_since(started: float) -> list[email.message.Message]:
    found = []
    for path in sorted(MAIL_DIR.glob("*.log")):
        if path.stat().st_mtime >= started:
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.strip()))
    return found


def body_of(message: email.message.Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_a_reminder_mail_sent_by_the_worker_carries_absolute_links(stack_url):
    """The daily reminder (run by the worker, as the scheduler would start it) is written by the file mail
    backend to var/stack/mail; its links start with GONGKAI_SITE_URL."""
    started = time.time() - 1
    case = json.loads(stack_command("manage", "shell", "-c", REMINDER_SETUP).strip().splitlines()[-1])["case"]
    deadline = time.time() + 60
    reminders = []
    while time.time() < deadline and not reminders:
        time.sleep(1)
        reminders = [m for m in mails_since(started) if "stack-reminder@example.cn" in (m["To"] or "")]
    assert reminders, "no reminder mail within 60 s (var/stack/log/worker.log)"
    body = body_of(reminders[0])
    assert f"{stack_url}/workbench/requests/{case}/" in body
    links = re.findall(r"\S*/workbench/\S*", body)
    assert links and all(link.startswith("http://127.0.0.1:8080/") for link in links)


# --- 年报体检 through the worker ------------------------------------------------------------------------------

def start_checkup(visitor: Visitor, files: list[tuple[str, bytes]]) -> str:
    page = visitor.get("/workbench/checkup/")
    assert page.status == 200, f"/workbench/checkup/: HTTP {page.status}"
    select = re.search(r'<select name="agency"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    agency = re.search(r'<option value="(\d+)"', select).group(1)
    fields = {**hidden_fields(page.text), "source": "upload", "agency": agency}
    fields.pop("challenge", None)
    response = visitor.request("POST", "/workbench/checkup/", data=fields, files={"files": files})
    assert response.status == 302, f"HTTP {response.status}"
    return response.location


def progress(visitor: Visitor, batch_path: str) -> tuple[int, int]:
    text = visitor.get(batch_path).text
    done, total = re.search(r"已处理 (\d+) / (\d+) 份", text).groups()
    return int(done), int(total)


def wait_until(condition, seconds: float, every: float = 0.5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


def test_a_checkup_batch_is_done_by_the_worker(stack_url, new_address):
    office = Visitor(stack_url, new_address())
    login(office, "gkb-staff")
    batch = start_checkup(office, [(f"报告{i}.html", as_html().encode()) for i in range(3)])
    assert wait_until(lambda: progress(office, batch) == (3, 3), 60), progress(office, batch)
    page = office.get(batch).text
    assert 'http-equiv="refresh"' not in page


def test_a_worker_killed_mid_batch_loses_nothing(stack_url, second_url, new_address):
    """The worker is SIGKILLed while it checks a batch of PDFs (uploaded through the second app server) and
    started again: the batch resumes where it stopped (each report is committed on its own; the scheduler
    re-dispatches a job whose worker stopped beating: GONGKAI_JOB_STALE_MINUTES=0.25 in the stack) and
    completes with every report checked once."""
    office = Visitor(second_url, new_address())
    login(office, "gkb-staff")
    pdf = as_pdf()
    total = 10
    batch = start_checkup(office, [(f"年报{i}.pdf", pdf) for i in range(total)])
    # Killed early in the batch, so that it cannot finish between the look and the kill.
    assert wait_until(lambda: 1 <= progress(office, batch)[0] <= total - 4, 60, every=0.2), progress(office, batch)
    stack_command("worker-kill")
    killed_at = progress(office, batch)[0]
    assert killed_at < total
    time.sleep(3)
    assert progress(office, batch)[0] == killed_at  # nobody works on it
    stack_command("worker-start")
    done = wait_until(lambda: progress(office, batch) == (total, total), 180, every=2)
    assert done, progress(office, batch)
    page = Visitor(stack_url, office.source, cookies=dict(office.cookies)).get(batch).text  # through the first app
    assert "已处理 10 / 10 份" in page and all(f"年报{i}.pdf" in page for i in range(total))


# --- Two app servers -------------------------------------------------------------------------------------------

def form_values(html: str) -> dict:
    """What a browser would post for the page's form unchanged: inputs' values, checked boxes, selected options,
    text areas."""
    values: dict = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = kind.group(1) if kind else "text"
        if not name or kind in ("submit", "file"):
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in tag:
                values.setdefault(name.group(1), []).append(unescape(value.group(1)) if value else "on")
        else:
            values[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = [v for v, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', options) if "selected" in attrs]
        values[name] = unescape(chosen[0]) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[name] = unescape(text).removeprefix("\n")
    return values


def first_option(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="([^"]+)"', select).group(1)


def tiny_png(seed: int) -> bytes:
    """A valid 4×4 PNG whose pixels depend on `seed` (so each run uploads other bytes)."""
    rows = b"".join(b"\x00" + bytes((x * seed + y * 13) % 256 for x in range(12)) for y in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def post_ok(visitor: Visitor, path: str) -> None:
    response = visitor.post(path, {"csrfmiddlewaretoken": visitor.cookies["csrftoken"]})
    assert response.status == 302, f"POST {path}: HTTP {response.status}"
    messages = re.findall(r'<li class="message message-(?:error|warning)[^"]*">(.*?)</li>',
                          visitor.get(response.location).text, re.S)
    assert not messages, messages


def test_a_file_uploaded_through_one_app_server_is_served_by_the_other(stack_url, second_url, new_address):
    """The editor drafts a catalogue item and uploads its attachment through the first app server (:8080); the
    reviewer reviews and publishes it through the second (:8089), which serves the file: both read the one
    media storage (GONGKAI_MEDIA_ROOT), nothing is kept on one server's local disk."""
    marker = secrets.token_hex(4)
    image = tiny_png(int(marker, 16) % 251 + 3)
    editor = Visitor(stack_url, new_address())
    login(editor, "jyj-editor")
    page = editor.get("/workbench/documents/new/").text
    fields = form_values(page)
    fields.update(title=f"栈测试附件（{marker}）", summary="两台应用服务器共用一个文件存储的检验。", body="<p>正文。</p>",
                  written_on="2026-12-01", genre=first_option(page, "genre"),
                  statutory_item=first_option(page, "statutory_item"))
    created = editor.post("/workbench/documents/new/", fields)
    assert created.status == 302, f"HTTP {created.status}"
    document = created.location  # /workbench/documents/<pk>/
    uploaded = editor.request("POST", f"{document}attachments/", data={"csrfmiddlewaretoken": editor.cookies["csrftoken"]},
                              files={"file": [(f"附件{marker}.png", image)]})
    assert uploaded.status == 302
    post_ok(editor, f"{document}submit/")

    reviewer = Visitor(second_url, new_address())
    login(reviewer, "jyj-reviewer")
    post_ok(reviewer, f"{document}secrecy-review/")
    post_ok(reviewer, f"{document}publish/")

    pk = re.search(r"/(\d+)/$", document).group(1)
    public = Visitor(second_url, new_address())
    links = re.findall(r'href="(/attachments/\d+/)"', public.get(f"/documents/{pk}/").text)
    assert len(links) == 1
    served_by_second = public.get(links[0])
    assert served_by_second.status == 200 and served_by_second.body == image
    assert Visitor(stack_url, new_address()).get(links[0]).body == image


def test_a_password_spray_locks_its_address_and_no_one_else(stack_url, second_url, new_address):
    """Login lock-out (django-axes) by the address nginx forwarded: five failures from one address, each with
    another user name, lock that address — on both app servers, the counter is in the shared database — while a
    staff member behind another address logs in as usual."""
    sprayer = new_address()

    def attempt(url, username, password):
        visitor = Visitor(url, sprayer)
        fields = visitor.form("/workbench/login/")
        fields.update(username=username, password=password)
        return visitor.post("/workbench/login/", fields).status

    spray = [attempt(stack_url, f"spray-{secrets.token_hex(3)}-{n}", "wrong-password-1") for n in range(5)]
    assert spray == [200] * 4 + [429]  # the form again with its error, then the lock-out page (the fifth failure)
    # Even the right password is refused from that address, through either app server.
    assert [attempt(url, "gkb-staff", PASSWORD) for url in (stack_url, second_url)] == [429, 429]
    login(Visitor(stack_url, new_address()), "gkb-staff")


def _search(base_url: str, address: str, query: str) -> str:
    page = Visitor(base_url, source=address).get(f"/search/?q={quote(query)}")
    assert page.status == 200, f"search on {base_url}: HTTP {page.status}"
    return page.text


def test_a_withdrawn_document_leaves_the_search_of_both_app_servers_through_the_worker(stack_url, second_url,
                                                                                      new_address):
    """Search on PostgreSQL is the tantivy index (GONGKAI_SEARCH_BACKEND=auto): the worker is its one writer,
    every gunicorn worker of both app servers reads it. A document withdrawn through catalog.services (as the
    workbench does) is found by its title on both servers before, and on neither once the worker has written the
    change; the wait is printed, not asserted (docs/benchmarks.md measures it)."""
    found = stack_command("manage", "shell", "-c", (
        "from catalog.models import Document\n"
        "published = Document.objects.filter(status='published')\n"
        "d = next(d for d in published.order_by('-id')[:200] if published.filter(title=d.title).count() == 1)\n"
        "print(d.pk); print(d.title)"))
    pk, title = found.strip().splitlines()[-2:]
    link = f'href="/documents/{pk}/"'
    for base in (stack_url, second_url):
        assert link in _search(base, new_address(), title), f"{base}: the published document is not found"
    stack_command("manage", "shell", "-c", (
        "from audit.context import acting_as\n"
        "from catalog import services\nfrom catalog.models import Document\n"
        "with acting_as(label='stack test'):\n"
        f"    services.withdraw(Document.objects.get(pk={pk}), reason='栈测试：撤回后检索不再命中')\n"))
    started, gone = time.monotonic(), set()
    while len(gone) < 2 and time.monotonic() - started < 60:
        for base in (stack_url, second_url):
            if base not in gone and link not in _search(base, new_address(), title):
                gone.add(base)
        time.sleep(0.2)
    print(f"withdrawn document gone from both app servers' search after {time.monotonic() - started:.2f} s")
    assert gone == {stack_url, second_url}, f"still found after 60 s on {set((stack_url, second_url)) - gone}"
