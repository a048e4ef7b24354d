"""Load test over HTTP, as citizens' browsers would do it: N public 依申请公开 applications submitted
concurrently through the online form, then read throughput of four public pages. Prints JSON:

    {"acknowledged", "stored", "errors", "duplicates", "p50_ms", "p95_ms", "reads": {page: {...}}}

- acknowledged: posts answered with the redirect to the receipt (the application was accepted);
- stored / duplicates: counted in the database (--database-url): the applications of this run (their text
  carries the run's marker), and how many of their 受理编号 repeat another's (must be 0);
- errors: anything else (a 4xx/5xx, a form shown again, a network error);
- p50_ms / p95_ms: of the POST (the form page's GET not included).

Nothing is relaxed in the application. Each simulated citizen is its own client: its own cookies, and its own
source address on the loopback (127.a.b.c — Linux accepts any 127/8 address as a source), so the per-address
limits (5 applications per 10 minutes) hold for each of them as they would for real visitors; behind nginx the
application sees those addresses through X-Forwarded-For. The human check is answered the way a person would:
by reading the arithmetic question on the page (the question keeps out bots that post blindly, not a script
written for this form; the per-address limits are what bound such a script).

    .venv/bin/python bench/load.py --url http://127.0.0.1:8080 --submissions 200 --json \\
        --database-url postgres://gongkai_app@127.0.0.1:5432/gongkai_stack        # make stack
    .venv/bin/python bench/load.py --url http://127.0.0.1:8087 --submissions 200 --json \\
        --database-url sqlite:///var/bench/load.sqlite3                            # runserver (docs/benchmarks.md)

--database-url defaults to the stack's database when the URL is the stack's (port 8080).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import secrets
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from stdnum.cn import ric

STACK_DATABASE_URL = "postgres://gongkai_app@127.0.0.1:5432/gongkai_stack"
PER_ADDRESS = 5  # GONGKAI_PUBLIC_SUBMISSIONS_PER_WINDOW's default: each simulated citizen stays within it
NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Visitor:
    """One browser: its cookies, its source address. A new connection per request (as many browsers do)."""

    base_url: str
    source: str | None = None
    timeout: float = 120
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None, files: dict | None = None,
                headers: dict | None = None) -> Response:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=self.timeout,
                                                source_address=(self.source, 0) if self.source else None)
        sent = {"Host": parts.netloc, "User-Agent": "gongkai-bench-load"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            body, content_type = multipart(data or {}, files)
            sent["Content-Type"] = content_type
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            sent["Referer"] = self.base_url + path  # Django checks it on HTTPS only; a browser sends it anyway
        sent.update(headers or {})
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            raw = reply.read()
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()},
                        raw, ms)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def form(self, path: str) -> dict[str, str]:
        """GET a form page: its hidden fields (CSRF token, human-check token) and, when it asks one, the answer."""
        page = self.get(path)
        if page.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {page.status}")
        return form_fields(page.text)


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def solve(html: str) -> str | None:
    """The answer to the page's arithmetic question (验证问题：三加五等于多少？)."""
    match = re.search(r"验证问题：([零一二三四五六七八九十]+)([加减])([零一二三四五六七八九十]+)等于多少", html)
    if not match:
        return None
    a, b = chinese_number(match.group(1)), chinese_number(match.group(3))
    return str(a + b if match.group(2) == "加" else a - b)


def chinese_number(text: str) -> int:
    if len(text) == 1:
        return NUMERALS[text]
    if text[0] == "十":
        return 10 + NUMERALS[text[1]]
    return NUMERALS[text[0]] * 10 + (NUMERALS[text[2]] if len(text) > 2 else 0)


def form_fields(html: str) -> dict[str, str]:
    fields = hidden_fields(html)
    answer = solve(html)
    if answer is not None:
        fields["answer"] = answer
    return fields


def multipart(data: dict, files: dict) -> tuple[bytes, str]:
    """multipart/form-data: files is {field: [(name, bytes), ...]}."""
    boundary = uuid.uuid4().hex
    chunks = []
    for key, value in data.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for key, entries in files.items():
        for name, content in entries:
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                          f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def loopback_addresses(count: int) -> list[str]:
    """`count` distinct 127.a.b.c source addresses, in a random /16 so that a run does not meet an earlier
    run's rate-limit counters (10-minute windows)."""
    a, b = random.randint(10, 250), random.randint(0, 255)
    return [f"127.{a}.{(b + i // 250) % 256}.{i % 250 + 2}" for i in range(count)]


def resident_id(serial: int) -> str:
    """A well-formed 18-digit 居民身份证号码 (GB 11643 check digit) for a made-up person."""
    body = f"640323{1950 + serial % 50:04d}{serial % 12 + 1:02d}{serial % 28 + 1:02d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # python-stdnum, as disclosure_requests.identity


def receiving_agencies(visitor: Visitor) -> list[str]:
    page = visitor.get("/apply/")
    codes = sorted(set(re.findall(r'href="/apply/agencies/([^/"]+)/"', page.text)))
    if not codes:
        raise RuntimeError("/apply/ lists no agency")
    return codes


def submit(base_url: str, source: str, agency: str, marker: str, serial: int) -> tuple[str, float, str]:
    """One application: GET the form, POST it. (outcome, POST ms, detail)."""
    visitor = Visitor(base_url, source)
    path = f"/apply/agencies/{agency}/"
    try:
        fields = visitor.form(path)
        fields.update({
            "applicant_type": "natural_person", "name": f"测试申请人{serial:04d}", "id_type": "resident_id",
            "id_number": resident_id(serial), "phone": f"139{serial:08d}", "email": f"load{serial}@example.cn",
            "address": "", "postcode": "", "purpose": "",
            "description": f"压力测试 {marker} 第{serial}件：请公开2025年本机关财政预算执行情况",
            "requested_form": "electronic", "delivery_method": "email"})
        response = visitor.post(path, fields)
    except (OSError, RuntimeError, http.client.HTTPException) as error:
        return "error", 0.0, f"{type(error).__name__}: {error}"
    if response.status == 302 and response.location.endswith("/apply/receipt/"):
        return "acknowledged", response.ms, ""
    found = re.search(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
    return "error", response.ms, f"HTTP {response.status} {re.sub('<[^>]+>', '', found.group(1)) if found else ''}"


def count_stored(database_url: str, marker: str) -> tuple[int, int]:
    """(stored, duplicates) of this run's applications, from the database."""
    sql = ("SELECT count(*), count(tracking_number) - count(DISTINCT tracking_number) "
           "FROM disclosure_requests_disclosurerequest WHERE description LIKE %s")
    pattern = f"%{marker}%"
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.split("sqlite:///", 1)[1]) as db:
            return tuple(db.execute(sql.replace("%s", "?"), [pattern]).fetchone())
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        return tuple(db.execute(sql, [pattern]).fetchone())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def read_paths(visitor: Visitor) -> dict[str, str]:
    catalogue = visitor.get("/catalogue/")
    document = re.search(r'href="(/documents/\d+/)"', catalogue.text)
    if not document:
        raise RuntimeError("/catalogue/ links no document")
    return {"home": "/", "catalogue": "/catalogue/", "document": document.group(1),
            "search": "/search/?" + urlencode({"q": "教育"})}


def read_throughput(base_url: str, path: str, requests: int, concurrency: int) -> dict:
    def one(_):
        try:
            response = Visitor(base_url).get(path)
            return response.ms, response.status == 200
        except OSError:
            return 0.0, False

    Visitor(base_url).get(path)  # warm-up
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    times = [ms for ms, ok in results if ok]
    return {"path": path, "requests": requests, "failed": sum(1 for _, ok in results if not ok),
            "rps": round(requests / elapsed, 1), "p50_ms": round(percentile(times, 0.5)),
            "p95_ms": round(percentile(times, 0.95))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50, help="applications in flight at once")
    parser.add_argument("--database-url", default=None, help="where to count what was stored")
    parser.add_argument("--reads", type=int, default=200, help="requests per page for read throughput (0: none)")
    parser.add_argument("--read-concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    base_url = args.url.rstrip("/")
    database_url = args.database_url or (STACK_DATABASE_URL if urlsplit(base_url).port == 8080 else None)
    if not database_url:
        parser.error("--database-url is needed to count what was stored")

    marker = f"LOAD-{secrets.token_hex(4)}"
    agencies = receiving_agencies(Visitor(base_url))
    addresses = loopback_addresses(-(-args.submissions // PER_ADDRESS))
    jobs = [(addresses[i // PER_ADDRESS], agencies[i % len(agencies)], i + 1) for i in range(args.submissions)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        outcomes = list(pool.map(lambda job: submit(base_url, job[0], job[1], marker, job[2]), jobs))
    wall = time.perf_counter() - started
    acknowledged = [ms for outcome, ms, _ in outcomes if outcome == "acknowledged"]
    errors = [detail for outcome, _, detail in outcomes if outcome != "acknowledged"]
    stored, duplicates = count_stored(database_url, marker)
    result = {"acknowledged": len(acknowledged), "stored": stored, "errors": len(errors), "duplicates": duplicates,
              "p50_ms": round(statistics.median(acknowledged)) if acknowledged else None,
              "p95_ms": round(percentile(acknowledged, 0.95)) if acknowledged else None,
              "submissions": args.submissions, "concurrency": args.concurrency, "wall_s": round(wall, 1),
              "marker": marker}
    if errors:
        result["error_samples"] = sorted(set(errors))[:5]
    if args.reads:
        paths = read_paths(Visitor(base_url))
        result["reads"] = {name: read_throughput(base_url, path, args.reads, args.read_concurrency)
                           for name, path in paths.items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if not errors and stored == args.submissions and not duplicates else 1


if __name__ == "__main__":
    sys.exit(main())
