"""Report aggregation benchmark (年报汇总): every computed table of a province-sized tree in one report.

    .venv/bin/python bench/report_aggregation.py                                # 2,000,000 documents, 300,000 cases
    .venv/bin/python bench/report_aggregation.py --documents 100000 --cases 15000   # a quick run
    .venv/bin/python bench/report_aggregation.py --reuse                        # keep the seeded file between runs

Seeds its own SQLite file, var/bench/report-<documents>-<cases>.sqlite3 (never the dev database): the
`gongkai demo --profile province` tree (3,078 agencies, one reorganisation), then, bulk-inserted with
executemany in one transaction per table (secondary indexes dropped while inserting, built afterwards),
a catalogue of `--documents` 政府信息 published 2018–2024 (规章 and 行政规范性文件 with their
NormativeEvent lifecycle, channels, drafts and withdrawals), `--cases` 依申请公开 cases received 2023–2024
(outcomes, applicant types, channels, extensions, cases still open at the end of 2024) and the 行政复议/
行政诉讼 filed against some of them. The catalogue has no FTS triggers (the search index is written by
catalog.services and `gongkai search-index rebuild`), so seeding leaves it empty.

Then times (wall, best of `--repeat`) reports.services.compute_cells for 2024 over every agency — F2021 and
the 2014 统计表 (run on the 2024 rows) — beside a naive loop calling the per-agency statistics functions
(every agency, or with --sample N a seeded random sample, extrapolated linearly) and the baseline: for
each table one GROUP BY query that reads the same rows. Checks that the one-query cells equal the
per-agency sums and the baseline's row counts. Prints a Markdown block for docs/benchmarks.md;
--explain also prints each query of compute_cells with its time and EXPLAIN QUERY PLAN."""

import argparse
import bisect
import functools
import itertools
import json
import os
import platform
import random
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEAR = 2024
FIRST_DOCUMENT_YEAR = YEAR - 6
TODAY = date(YEAR + 1, 1, 20)  # the data's "now": nothing later has happened yet
NOW = f"{TODAY.isoformat()} 02:00:00"  # created_at/updated_at of the seeded rows (UTC, as Django stores it)
RULE_MAKERS = ("province", "prefecture")  # 地方政府规章: the province's and the 设区的市's governments

OUTCOMES = {  # share of closed cases (%), shaped like published 表三 of provincial departments
    "granted": 34, "partially_granted": 6, "withheld_state_secret": 0.3, "withheld_prohibited_by_law": 0.5,
    "withheld_security_stability": 0.4, "withheld_third_party_rights": 1.2, "withheld_internal_affairs": 1.0,
    "withheld_process_info": 1.5, "withheld_enforcement_file": 0.8, "withheld_admin_inquiry": 1.3,
    "unavailable_not_held": 24, "unavailable_needs_creation": 3, "unavailable_still_unclear": 2,
    "not_processed_complaint": 5, "not_processed_duplicate": 3, "not_processed_publication": 0.4,
    "not_processed_excessive": 1.2, "not_processed_reconfirmation": 0.6, "other_no_correction": 4,
    "other_fee_unpaid": 0.1, "other_misc": 8.7}
APPLICANT_TYPES = {"natural_person": 85, "commercial_enterprise": 8, "research_institution": 0.4,
                   "public_welfare_org": 0.3, "legal_service_org": 3, "other_org": 3.3}
CHANNELS = {"online": 55, "in_person": 15, "registered_mail": 14, "ordinary_mail": 8, "fax": 2, "oral": 6}
OPEN_STATES = {"in_progress": 55, "awaiting_correction": 25, "registered": 8, "awaiting_reason": 6, "awaiting_fee": 6}
BUSY_DEPARTMENTS = ("zrzy", "zj", "ga", "rs", "nync", "bgs", "bgt")  # land, housing, police, HR, farming, office


def log(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def chooser(rng: random.Random, weights: dict):
    """A function returning a key of `weights` drawn with those weights."""
    keys, cumulative = list(weights), list(itertools.accumulate(weights.values()))
    total = cumulative[-1]
    return lambda: keys[bisect.bisect(cumulative, rng.random() * total)]


def best_of(repeat: int, function, *args):
    best, value = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function(*args)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, value


# ------------------------------------------------------------------------------------------------ seeding


class Rows:
    """Raw INSERTs of `model` rows with executemany: every concrete column, the model's defaults for the
    columns not in `varying` (auto_now dates: NOW). Values of `varying` are given in database form."""

    def __init__(self, model, varying: list[str], parent: "Rows | None" = None):
        from django.db import connection

        # Rows referring to `parent`'s rows are written after them: a deferred foreign key violation would
        # make SQLite look for child rows on every later parent insert (with the indexes dropped, a scan).
        self.parent = parent

        fields = model._meta.concrete_fields
        template = model()
        index = {f.attname: i for i, f in enumerate(fields)}
        self.base = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.base.append(NOW)
            else:
                value = getattr(template, f.attname)
                self.base.append(None if value is None else f.get_db_prep_save(value, connection))
        self.positions = [index[name] for name in varying]
        columns = ", ".join(f'"{f.column}"' for f in fields)
        self.sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        self.pending: list[list] = []
        self.count = 0

    def add(self, *values) -> None:
        row = self.base.copy()
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        self.pending.append(row)
        if len(self.pending) >= 20_000:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if self.parent is not None:
            self.parent.flush()
        connection.connection.executemany(self.sql, self.pending)
        self.count += len(self.pending)
        self.pending = []


@functools.cache
def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def agency_profile(agency) -> tuple[str, str]:
    """(role, slug): role is gov / office / department / institution / town."""
    slug = agency.code.split("-", 1)[1] if "-" in agency.code else ""
    if agency.level == "township":
        return "town", slug
    if agency.kind == "government":
        return "gov", slug
    if slug in ("bgs", "bgt"):
        return "office", slug
    return ("institution" if agency.kind == "public_institution" else "department"), slug


DOCUMENT_WEIGHTS = {  # (role, level) → relative output of 政府信息; departments dominate, towns publish little
    "gov": {"province": 30, "prefecture": 15, "county": 8},
    "office": {"province": 25, "prefecture": 15, "county": 8},
    "department": {"province": 8, "prefecture": 4, "county": 2.5},
    "institution": {"province": 2, "prefecture": 1, "county": 0.6},
}
CASE_WEIGHTS = {
    "gov": {"province": 20, "prefecture": 10, "county": 5},
    "office": {"province": 8, "prefecture": 5, "county": 2.5},
    "department": {"province": 5, "prefecture": 2.5, "county": 1.2},
    "institution": {"province": 0.6, "prefecture": 0.4, "county": 0.2},
}


def weights_for(agencies, table: dict, town: float, rng: random.Random) -> list[float]:
    weights = []
    for agency in agencies:
        role, slug = agency_profile(agency)
        weight = town if role == "town" else table[role][agency.level]
        if table is CASE_WEIGHTS and role == "department" and slug.startswith(BUSY_DEPARTMENTS):
            weight *= 3
        weights.append(weight * rng.lognormvariate(0, 0.6))
    return weights


def active_window(agency, first: date, last: date) -> tuple[int, int]:
    lo = max(first, agency.established_on or first)
    hi = min(last, (agency.dissolved_on - timedelta(days=1)) if agency.dissolved_on else last)
    return lo.toordinal(), hi.toordinal()


def corpus_pool(seed: int, size: int = 12_000):
    """Texts to reuse: (title, html body, plain body, summary, keywords, genre, topic code, 文号) by genre."""
    from demo.corpus import generate_documents

    pool: dict[str, list] = {}
    for doc in generate_documents(size, seed=seed):
        html = "<p>" + doc.body.replace("\n", "</p><p>") + "</p>"
        pool.setdefault(doc.genre_code, []).append(
            (doc.title, html, doc.body, doc.summary, doc.keywords, doc.genre_code, doc.topic_code,
             doc.document_number))
    return pool


def seed_documents(n: int, agencies, rng: random.Random, seed: int) -> dict:
    """`n` documents in publication order (ids grow with the date, as in a live catalogue) and the lifecycle
    events of the 规章 and 行政规范性文件 among them."""
    from catalog.models import Document, Genre, NormativeEvent, Topic
    from catalog.numbers import normalise_document_number

    first, last = date(FIRST_DOCUMENT_YEAR, 1, 1), date(YEAR, 12, 31)
    weights = list(itertools.accumulate(weights_for(agencies, DOCUMENT_WEIGHTS, 0.4, rng)))
    windows = [active_window(a, first, last) for a in agencies]
    years = list(range(FIRST_DOCUMENT_YEAR, YEAR + 1))
    year_of = chooser(rng, {y: 1 + 0.06 * i for i, y in enumerate(years)})  # output grows a little each year
    picks = []
    for _ in range(n):
        a = bisect.bisect(weights, rng.random() * weights[-1])
        year = year_of()
        day = date(year, 1, 1).toordinal() + rng.randrange(365)
        lo, hi = windows[a]
        if not lo <= day <= hi:  # the reorganised agencies published only while they existed
            day = rng.randint(lo, hi)
        picks.append((day, a))
    picks.sort()

    pool = corpus_pool(seed)
    plain = [text for genre, texts in pool.items() if genre not in ("rule", "normative") for text in texts]
    genres = dict(Genre.objects.values_list("code", "pk"))
    topics = dict(Topic.objects.values_list("code", "pk"))
    channel_json = {}
    for mask in range(32):
        chosen = [c for bit, c in enumerate(("website", "gazette", "wechat", "weibo", "other")) if mask >> bit & 1]
        channel_json[mask] = json.dumps(chosen, ensure_ascii=False)
    documents = Rows(Document, [
        "id", "publisher_id", "title", "document_number", "document_number_key", "summary", "keywords", "kind",
        "genre_id", "topic_id", "statutory_item", "disclosure_attribute", "channels", "written_on", "published_on",
        "published_at", "publication_lag_wd", "validity", "effective_from", "effective_to", "body", "body_text",
        "status", "index_number", "index_year", "index_serial", "withdrawn_at", "withdrawn_reason"])
    events = Rows(NormativeEvent, ["document_id", "event", "on", "note"], parent=documents)
    serials: dict[tuple[int, int], int] = {}
    profiles = [agency_profile(a) for a in agencies]
    end = last.toordinal()
    kinds = {"rule": 0, "normative_document": 0, "other": 0}
    for number, (day, a) in enumerate(picks, start=1):
        agency = agencies[a]
        role, _ = profiles[a]
        u = rng.random()
        if role == "gov" and agency.level in RULE_MAKERS and u < 0.015:
            kind, text = "rule", rng.choice(pool.get("rule") or pool["normative"])
        elif u < {"gov": 0.08, "office": 0.08, "department": 0.015, "town": 0.005}.get(role, 0.0):
            kind, text = "normative_document", rng.choice(pool["normative"])
        else:
            kind, text = "other", rng.choice(plain)
        kinds[kind] += 1
        title, html, body, summary, keywords, genre, topic, doc_number = text
        status, attribute = "published", "proactive"
        if kind == "other":
            v = rng.random()
            status = "draft" if v < 0.015 else "withdrawn" if v < 0.03 else "published"
            if v > 0.99:
                attribute = "on_request"
        lag = rng.randint(1, 14) if rng.random() > 0.03 else rng.randint(21, 60)
        written = day - lag * 7 // 5
        mask = 1
        if kind == "rule" or (kind == "normative_document" and rng.random() < 0.8) or (
                role in ("gov", "office") and rng.random() < 0.05):
            mask |= 2
        mask |= (4 if rng.random() < 0.35 else 0) | (8 if rng.random() < 0.12 else 0) | (16 if rng.random() < 0.04 else 0)
        published = status != "draft"
        index_number = index_year = serial = None
        if published:
            year = date.fromordinal(day).year
            serial = serials[a, year] = serials.get((a, year), 0) + 1
            index_number, index_year = f"{agency.code}/{year}-{serial:05d}", year
        validity, effective_to, lifecycle = "in_force", None, []
        if kind != "other":
            lifecycle.append(("issued", iso(written), ""))
            if rng.random() < 0.06 and day + 90 < end:
                lifecycle.append(("revised", iso(rng.randint(day + 90, end)), ""))
            v = rng.random()
            if v < 0.10 and day + 180 < end:
                validity = "repealed"
                lifecycle.append(("repealed", iso(rng.randint(day + 180, end)), ""))
            elif v < 0.14:
                effective_to = day + 3 * 365
                if effective_to < end:
                    validity = "expired"
                    lifecycle.append(("expired", iso(effective_to + 1), ""))
        documents.add(
            number, agency.pk, title, doc_number if kind != "other" or rng.random() < 0.5 else "",
            normalise_document_number(doc_number) if doc_number else "", summary, keywords, kind,
            genres[{"rule": "rule", "normative_document": "normative"}.get(kind, genre)], topics.get(topic),
            1 if kind != "other" else rng.randint(1, 15), attribute, channel_json[mask], iso(written),
            iso(day) if published else None, f"{iso(day)} 02:00:00" if published else None,
            lag if published else None, validity, iso(written) if kind != "other" else None,
            iso(effective_to) if effective_to else None, html, body, status, index_number, index_year, serial,
            f"{iso(min(day + 7, end))} 03:00:00" if status == "withdrawn" else None,
            "内容有误，撤回后重新发布" if status == "withdrawn" else "")
        for event in lifecycle:  # after their document (see Rows)
            events.add(number, *event)
        if number % 100_000 == 0:
            log(f"\r文档 {number:,}/{n:,}")
    documents.flush()
    events.flush()
    log("\n")
    return {"documents": documents.count, "events": events.count, **kinds}


def seed_applicants(rng: random.Random) -> dict[str, list[int]]:
    """A few thousand applicants (the personal fields are encrypted, so they go through bulk_create)."""
    from disclosure_requests.identity import resident_id_check_character
    from disclosure_requests.models import Applicant
    from gongkai.privacy import identity_key
    from orgs.credit_code import make_credit_code

    made = []
    for number in range(3_000):
        kind = chooser(rng, APPLICANT_TYPES)() if number >= 6 else list(APPLICANT_TYPES)[number]
        if kind == "natural_person":
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 18_000))
            first17 = f"390102{born:%Y%m%d}{rng.randint(0, 999):03d}"
            id_type, id_number, name = "resident_id", first17 + resident_id_check_character(first17), f"申请人{number}"
        else:
            id_type, name = "credit_code", f"基准测试组织{number}"
            id_number = make_credit_code("91", "390102", f"{rng.randint(0, 99_999_999):08d}")
        made.append(Applicant(applicant_type=kind, name=name, id_type=id_type, id_number=id_number,
                              id_key=identity_key(id_number), phone=f"139{rng.randint(0, 99_999_999):08d}"))
    by_type: dict[str, list[int]] = {}
    for applicant in Applicant.objects.bulk_create(made, batch_size=500):
        by_type.setdefault(applicant.applicant_type, []).append(applicant.pk)
    return by_type


def seed_cases(n: int, agencies, rng: random.Random) -> dict:
    """`n` cases received on working days of the report year and the year before, and the appeals against
    some of their replies."""
    from appeals.models import Appeal
    from disclosure_requests.models import DisclosureRequest, Extension
    from orgs.models import User

    applicants = seed_applicants(rng)
    approver = User.objects.order_by("pk").values_list("pk", flat=True).first()
    live = [a for a in agencies if a.dissolved_on is None]  # the dissolved predecessors closed in 2018
    weights = list(itertools.accumulate(weights_for(live, CASE_WEIGHTS, 0.5, rng)))
    days = [d for d in range(date(YEAR - 1, 1, 1).toordinal(), date(YEAR, 12, 31).toordinal() + 1)
            if d % 7 not in (0, 6)]  # Monday–Friday (ordinal % 7: 0 = Sunday, 6 = Saturday)
    split = bisect.bisect(days, date(YEAR, 1, 1).toordinal())
    outcome, applicant_type = chooser(rng, OUTCOMES), chooser(rng, APPLICANT_TYPES)
    channel, open_state = chooser(rng, CHANNELS), chooser(rng, OPEN_STATES)
    picks = []
    for _ in range(n):
        a = bisect.bisect(weights, rng.random() * weights[-1])
        # ~10 % more requests in the report year than in the year before.
        day = days[rng.randrange(split)] if rng.random() < 0.476 else days[split + rng.randrange(len(days) - split)]
        picks.append((day, a))
    picks.sort()
    cases = Rows(DisclosureRequest, [
        "id", "agency_id", "tracking_number", "lookup_code", "applicant_id", "applicant_type", "channel", "state",
        "description", "submitted_at", "confirmed_at", "received_on", "clock_start_on", "due_on", "closed_on",
        "closed_late", "outcome", "legal_basis"])
    extensions = Rows(Extension, ["request_id", "working_days", "reason", "approver_id", "approved_on",
                                  "notified_on"], parent=cases)
    appeals = Rows(Appeal, ["id", "agency_id", "kind", "request_id", "prior_review_id", "subject", "body",
                            "filed_on", "result", "decided_on"], parent=cases)
    appeal_result = chooser(rng, {"upheld": 60, "corrected": 15, "other": 25})
    serials: dict[tuple[int, int], int] = {}
    today, appeal_id = TODAY.toordinal(), 0
    states: dict[str, int] = {}
    for number, (day, a) in enumerate(picks, start=1):
        agency = live[a]
        kind = applicant_type()
        u = rng.random()
        took = (rng.randint(1, 7) if u < 0.10 else rng.randint(8, 30) if u < 0.88 else rng.randint(31, 45)
                if u < 0.95 else rng.randint(46, 90) if u < 0.99 else rng.randint(91, 420))
        closed = day + took
        received = day
        if closed > today:
            state, result, closed = ("awaiting_correction" if took > 90 else open_state()), "", None
        else:
            state, result = ("archived" if closed < date(YEAR, 7, 1).toordinal() and rng.random() < 0.7
                             else "closed"), outcome()
        submitted = f"{iso(day)} 01:{rng.randint(0, 59):02d}:00"
        if day > today - 40 and rng.random() < 0.01:  # 待确认: no receipt date, counted nowhere
            state, received, closed, result = "submitted", None, None, ""
        states[state] = states.get(state, 0) + 1
        tracking = None
        if received is not None:
            year = date.fromordinal(day).year
            serial = serials[a, year] = serials.get((a, year), 0) + 1
            tracking = f"{agency.code.upper()}-{year}-{serial:04d}"
        extended = closed is not None and 28 < took <= 90 and rng.random() < 0.8
        cases.add(number, agency.pk, tracking, f"{rng.getrandbits(40):010x}",
                  rng.choice(applicants[kind]), kind, channel(), state, "申请公开有关政府信息（基准测试数据）",
                  submitted, submitted if received else None, iso(received) if received else None,
                  iso(received) if received else None, iso(received + 28) if received else None,
                  iso(closed) if closed else None, closed is not None and (took > 56 or took > 28 and not extended),
                  result, "《中华人民共和国政府信息公开条例》" if result else "")
        if extended:
            extensions.add(number, 20, "需要征求第三方意见，延长答复期限", approver, iso(day + 25), iso(day + 26))
        if closed is not None and result != "granted":
            v = rng.random()
            if v < 0.028:  # 行政复议 (within 60 days), a quarter of the upheld ones then taken to court
                filed = closed + rng.randint(10, 55)
                if filed <= today:
                    appeal_id += 1
                    review, decided = appeal_id, filed + rng.randint(40, 90)
                    verdict = appeal_result() if decided <= today else "pending"
                    appeals.add(review, agency.pk, "review", number, None, "不服政府信息公开申请答复",
                                "丰康省人民政府", iso(filed), verdict, iso(decided) if verdict != "pending" else None)
                    suit = decided + rng.randint(5, 14)
                    if verdict == "upheld" and rng.random() < 0.25 and suit <= today:
                        appeal_id += 1
                        later = suit + rng.randint(90, 240)
                        verdict = appeal_result() if later <= today else "pending"
                        appeals.add(appeal_id, agency.pk, "suit_after_review", number, review, "不服政府信息公开申请答复",
                                    "丰康省某中级人民法院", iso(suit), verdict, iso(later) if verdict != "pending" else None)
            elif v < 0.036:  # 行政诉讼, straight to court (within six months)
                filed = closed + rng.randint(10, 170)
                if filed <= today:
                    appeal_id += 1
                    decided = filed + rng.randint(90, 240)
                    verdict = appeal_result() if decided <= today else "pending"
                    appeals.add(appeal_id, agency.pk, "suit_direct", number, None, "不服政府信息公开申请答复",
                                "丰康省某中级人民法院", iso(filed), verdict, iso(decided) if verdict != "pending" else None)
        if number % 50_000 == 0:
            log(f"\r申请 {number:,}/{n:,}")
    for rows in (cases, extensions, appeals):
        rows.flush()
    log("\n")
    return {"cases": cases.count, "extensions": extensions.count, "appeals": appeals.count, "states": states}


def seed(db: Path, args) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from orgs.models import Agency

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", "--profile", "province", "--seed", str(args.seed), verbosity=0)
    facts = {"tree_s": time.perf_counter() - started}
    agencies = list(Agency.objects.order_by("pk"))
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        # A throw-away file: no rollback journal, no fsync while seeding; WAL again afterwards.
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
    steps = {"documents": (lambda: seed_documents(args.documents, agencies, rng, args.seed),
                           ["catalog_document", "catalog_normativeevent"]),
             "cases": (lambda: seed_cases(args.cases, agencies, rng),
                       ["disclosure_requests_disclosurerequest", "disclosure_requests_extension", "appeals_appeal"])}
    for label, (step, tables) in steps.items():
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            # Secondary indexes are dropped while inserting and built once afterwards (2–3× faster).
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({', '.join('%s' for _ in tables)})", tables)
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            facts[label] = step()
            log(f"重建 {len(indexes)} 个索引 …\n")
            for _, sql in indexes:
                cursor.execute(sql)
        facts[f"{label}_s"] = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
    connection.close()  # measure on a connection with the project's own settings, not the seeding pragmas
    facts["seed_s"] = time.perf_counter() - started
    facts["size_mib"] = db.stat().st_size / 2**20
    return facts


# ------------------------------------------------------------------------------------------------ measuring


def baseline_scans(year: int) -> dict[str, str]:
    """Per table, the cheapest single query reading the rows the table counts (no year rules, no attribution,
    plain count(*) grouped by agency and the table's categories)."""
    start, end = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    return {
        # 表二 item 1: the 规章/行政规范性文件 and their lifecycle events up to 31 December.
        "t2": "SELECT d.publisher_id, d.kind, e.event, count(*) FROM catalog_document d "
              "JOIN catalog_normativeevent e ON e.document_id = d.id "
              f"WHERE d.kind IN ('rule', 'normative_document') AND e.\"on\" <= '{end}' GROUP BY 1, 2, 3",
        # 表三: cases received by 31 December and not closed before 1 January (the year's 一 + 二).
        "t3": "SELECT agency_id, applicant_type, outcome, count(*) FROM disclosure_requests_disclosurerequest "
              f"WHERE received_on <= '{end}' AND (closed_on IS NULL OR closed_on >= '{start}') GROUP BY 1, 2, 3",
        # 表四: appeals filed in the year.
        "t4": "SELECT agency_id, kind, result, count(*) FROM appeals_appeal "
              f"WHERE filed_on BETWEEN '{start}' AND '{end}' GROUP BY 1, 2, 3",
        # 统计表 主动公开: public documents published in the year, by channel.
        "proactive": "SELECT publisher_id, channels, count(*) FROM catalog_document "
                     "WHERE status = 'published' AND disclosure_attribute = 'proactive' "
                     f"AND published_on BETWEEN '{start}' AND '{end}' GROUP BY 1, 2",
    }


def run_sql(sql: str) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def naive_sum(agency_ids, year: int) -> dict[str, int]:
    """What a per-agency loop gives: the three statistics functions once per agency, summed."""
    from appeals.statistics import table_four
    from catalog.statistics import article_20_item_1
    from disclosure_requests.statistics import table_three

    total: dict[str, int] = {}
    for a in agency_ids:
        for part in (article_20_item_1([a], year), table_three([a], year, "2021"), table_four([a], year)):
            for key, value in part.items():
                total[key] = total.get(key, 0) + value
    return total


def explain(function, *args) -> None:
    """Each query `function` runs: its time alone and its plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function(*args)
    for query in queries.captured_queries:
        seconds, _ = best_of(1, run_sql, query["sql"])
        plan = run_sql("EXPLAIN QUERY PLAN " + query["sql"])
        print(f"\n-- {seconds * 1000:,.0f} ms\n{query['sql'][:600]}{' …' if len(query['sql']) > 600 else ''}")
        for row in plan:
            print("   ", row[-1])


def time_exports(repeat: int) -> str:
    """Creating a draft report over the largest tree (and over one department, the baseline) and exporting
    each in every format, wall clock, best of `repeat` (the create once)."""
    from audit.context import acting_as
    from orgs.models import Agency
    from reports import services
    from reports.models import AnnualReport
    from reports.rendering import EXPORT_TYPES, export

    roots = list(Agency.objects.filter(parent=None))
    root = max(roots, key=lambda a: Agency.objects.filter(path__startswith=a.path).count())
    tree = list(Agency.objects.filter(path__startswith=root.path, dissolved_on__isnull=True))
    department = next(a for a in tree if a.kind == "department" and a.parent_id == root.pk)
    rows = []
    with acting_as(label="基准测试"):
        for label, agency, units in ((f"whole tree ({len(tree):,} units)", root, tree),
                                     ("one department (1 unit)", department, [department])):
            AnnualReport.objects.filter(agency=agency, year=YEAR).delete()
            start = time.perf_counter()
            report = services.create_draft(agency, YEAR, units, None)
            created = time.perf_counter() - start
            times = {fmt: best_of(repeat, export, report, fmt)[0] for fmt in EXPORT_TYPES}
            rows.append(f"| {label} | {created * 1000:,.0f} | "
                        + " | ".join(f"{times[fmt] * 1000:,.0f}" for fmt in EXPORT_TYPES) + " |")
    return "\n".join([f"| report | create draft (ms) | {' | '.join(f'{fmt} (ms)' for fmt in EXPORT_TYPES)} |",
                      "|---|---:|" + "---:|" * len(EXPORT_TYPES), *rows])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2_000_000, help="catalogue documents (2018–2024)")
    parser.add_argument("--cases", type=int, default=300_000, help="request cases (2023–2024)")
    parser.add_argument("--seed", type=int, default=640323)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each computation (best is kept)")
    parser.add_argument("--sample", type=int, default=0,
                        help="run the naive loop on N agencies and extrapolate linearly (default 0: every agency)")
    parser.add_argument("--reuse", action="store_true",
                        help="use the seeded file of an earlier run (migrated first) instead of seeding it again")
    parser.add_argument("--explain", action="store_true", help="print compute_cells' queries, times and plans")
    parser.add_argument("--seed-only", action="store_true", help="build the database (kept, as --reuse) and stop")
    parser.add_argument("--exports", action="store_true",
                        help="also time creating the report over the whole tree and exporting it in each format, "
                             "beside a one-unit report (what reports.services.builds sends to the worker)")
    args = parser.parse_args(argv)

    db = ROOT / "var" / "bench" / f"report-{args.documents}-{args.cases}.sqlite3"
    facts_file = db.with_suffix(".json")
    db.parent.mkdir(parents=True, exist_ok=True)
    fresh = not ((args.reuse or args.seed_only) and db.exists() and facts_file.exists())
    if fresh:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), facts_file):
            path.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("GONGKAI_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import django

    django.setup()
    from django.db import connection

    from orgs.models import Agency, AgencySuccession
    from reports import services
    from reports.services import compute_cells

    if fresh:
        log(f"生成基准数据库 {db.relative_to(ROOT)} …\n")
        facts = seed(db, args)
        facts_file.write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        log(f"沿用 {db.relative_to(ROOT)}（--reuse），先应用新的迁移 …\n")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # e.g. an index added since the file was seeded
    if args.seed_only:
        return
    if args.exports:
        print(time_exports(args.repeat))
        return

    ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    year = YEAR
    log("计时 …\n")
    load_before = os.getloadavg()[0]
    attr = services.attribution(ids)
    timings = {
        "f2021": best_of(args.repeat, compute_cells, ids, year, "2021"),
        "legacy": best_of(args.repeat, compute_cells, ids, year, "legacy"),
        "t2": best_of(args.repeat, services.article_20_item_1, attr, year),
        "t3": best_of(args.repeat, services.table_three, attr, year, "2021"),
        "t4": best_of(args.repeat, services.table_four, attr, year),
    }
    scans = {name: best_of(args.repeat, run_sql, sql) for name, sql in baseline_scans(year).items()}
    cells = timings["f2021"][1]
    legacy = timings["legacy"][1]

    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        compute_cells(ids, year, "2021")
    f2021_queries = len(queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        compute_cells(ids, year, "legacy")
    legacy_queries = len(queries.captured_queries)

    # Cross-checks against the baseline scans: the rows each table reads.
    scan_rows = {name: sum(row[-1] for row in rows) for name, (_, rows) in scans.items()}
    assert scan_rows["t3"] == cells["t3.received_new.total"] + cells["t3.carried_in.total"], "表三 ≠ scan"
    assert scan_rows["t4"] == sum(cells[f"t4.{k}.total"] for k in ("review", "suit_direct", "suit_after_review"))
    assert scan_rows["proactive"] == legacy["lg.proactive.total"], "主动公开 ≠ scan"

    # The naive loop: every agency, or a seeded random sample with the reorganised agencies in it.
    successions = list(AgencySuccession.objects.all())
    reorganised = sorted({s.predecessor_id for s in successions} | {s.successor_id for s in successions})
    if not args.sample or args.sample >= len(ids):
        sample = ids
    else:
        others = [a for a in ids if a not in reorganised]
        sample = sorted(reorganised + random.Random(args.seed).sample(others, args.sample - len(reorganised)))
    log(f"逐机构循环（{len(sample):,} 个机构）…\n")
    naive_seconds, naive_cells = best_of(args.repeat, naive_sum, sample, year)
    sample_cells = cells if sample is ids else compute_cells(sample, year, "2021")
    mismatched = {k: (sample_cells[k], v) for k, v in naive_cells.items() if sample_cells[k] != v}
    assert not mismatched, f"compute_cells differs from the per-agency sums: {mismatched}"
    naive_full = naive_seconds * len(ids) / len(sample)
    load_after = os.getloadavg()[0]

    if args.explain:
        print("### compute_cells F2021, every query")
        explain(compute_cells, ids, year, "2021")
        print("\n### compute_cells 2014 统计表, every query")
        explain(compute_cells, ids, year, "legacy")
        print("\n### baseline scans")
        for name, sql in baseline_scans(year).items():
            print(f"\n-- {name}: {sql}")
            for row in run_sql("EXPLAIN QUERY PLAN " + sql):
                print("   ", row[-1])

    def ms(seconds):
        return f"{seconds * 1000:,.0f} ms"

    def ratio(ours, base):
        return f"{ours / base:,.1f}×" if base else "—"

    d, c = facts["documents"], facts["cases"]
    base_f2021 = scans["t2"][0] + scans["t3"][0] + scans["t4"][0]
    base_legacy = base_f2021 + scans["proactive"][0]
    states = c["states"]
    open_states = sum(v for k, v in states.items() if k not in ("closed", "archived", "submitted"))
    naive_label = (f"naive loop: the three statistics functions once per agency, summed, all {len(ids):,} agencies"
                   if sample is ids else f"naive loop: the three statistics functions once per agency, summed — "
                   f"{len(sample)} agencies (best of {args.repeat}: {ms(naive_seconds)}) × {len(ids):,}/{len(sample)}, "
                   "extrapolated linearly")
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()")
        sqlite_version = cursor.fetchone()[0]
    command = "    .venv/bin/python bench/report_aggregation.py" + (
        "" if (args.documents, args.cases) == (2_000_000, 300_000) else f" --documents {args.documents} --cases {args.cases}"
    ) + (f" --sample {args.sample}" if args.sample else "") + ("" if args.repeat == 3 else f" --repeat {args.repeat}")
    lines = [
        "## 年报汇总 / Report aggregation",
        "",
        f"`gongkai demo --profile province` tree: {len(ids):,} agencies, {len(successions)} successions "
        f"(2018-10-31). Seeded by the bench into its own SQLite file ({facts['size_mib']:,.0f} MiB) with "
        f"executemany in one transaction per table: {d['documents']:,} catalogue documents published "
        f"{FIRST_DOCUMENT_YEAR}–{YEAR} ({d['rule']:,} 规章, {d['normative_document']:,} 行政规范性文件 with "
        f"{d['events']:,} lifecycle events; departments publish most, towns little), {c['cases']:,} request "
        f"cases received {YEAR - 1}–{YEAR} ({open_states:,} still open on {TODAY}, {c['extensions']:,} "
        f"extensions) and {c['appeals']:,} appeals. Seeding took {facts['seed_s']:,.0f} s (documents "
        f"{facts['documents_s']:,.0f} s, cases {facts['cases_s']:,.0f} s); it is not the measured quantity. "
        f"{os.cpu_count()} shared cores, Python {platform.python_version()}, SQLite {sqlite_version} "
        f"(Python's sqlite3 module {sqlite3.sqlite_version}), {date.today()}. Reproduce with:",
        "",
        command,
        "",
        f"Report year {year}, all {len(ids):,} agencies as the units; times are wall clock, best of {args.repeat}, "
        f"warm page cache; load average {load_before:.1f} before the timings and {load_after:.1f} after.",
        "",
        "| Computation | Ours | Single scan of the same rows | Ours ÷ scan |",
        "|---|---:|---:|---:|",
        f"| compute_cells, F2021 (表二 item 1, 表三, 表四), {f2021_queries} SQL queries | {ms(timings['f2021'][0])} "
        f"| {ms(base_f2021)} | {ratio(timings['f2021'][0], base_f2021)} |",
        f"| · 表二 第二十条第（一）项 | {ms(timings['t2'][0])} | {ms(scans['t2'][0])} "
        f"| {ratio(timings['t2'][0], scans['t2'][0])} |",
        f"| · 表三 (every cell, {scan_rows['t3']:,} cases read) | {ms(timings['t3'][0])} | {ms(scans['t3'][0])} "
        f"| {ratio(timings['t3'][0], scans['t3'][0])} |",
        f"| · 表四 ({scan_rows['t4']:,} appeals read) | {ms(timings['t4'][0])} | {ms(scans['t4'][0])} "
        f"| {ratio(timings['t4'][0], scans['t4'][0])} |",
        f"| compute_cells, 2014 统计表 on the {year} rows (依申请, 复议诉讼, 主动公开 by channel: "
        f"{scan_rows['proactive']:,} documents), {legacy_queries} SQL queries | {ms(timings['legacy'][0])} "
        f"| {ms(base_legacy)} | {ratio(timings['legacy'][0], base_legacy)} |",
        f"| {naive_label} | {ms(naive_full)} | {ms(base_f2021)} | {ratio(naive_full, base_f2021)} |",
        "",
        f"Checked in the same run: compute_cells over {'all' if sample is ids else 'the sampled'} {len(sample):,} "
        "agencies equals the per-agency sums cell by cell; 表三's 一 + 二, 表四's totals and the 统计表's 主动公开 total equal the row counts "
        "of the scans.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
