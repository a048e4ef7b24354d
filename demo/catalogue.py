"""The demo county's catalogue of government information: first a seeded plan (pure data), then a bulk build.

Shape (county profile, 盐池县), for the demo year Y (by default last year, the latest complete one):

* ``documents`` items published in Y across the 35 active agencies, weighted like a county's output: the
  government office, big departments and the 融媒体中心 publish most, the towns least; genres like
  demo.corpus (工作动态 and 通知公告 dominate), one 政府信息公开工作年度报告 (for Y-1) per agency, channels in
  the proportions of 盐池县's 2018 report (公报 17, 网站 5701, 微博 230, 微信 1870, 其他 8260 per 16,078).
  The county published 16,084 items in 2018 (FULL_SCALE_DOCUMENTS); DEFAULT_DOCUMENTS is smaller so that
  ``make run`` starts quickly: ``gongkai demo --profile county --documents 16084`` gives the full scale.
* 行政规范性文件 (a county cannot make 规章, 立法法 第九十三条): NORMATIVE_EARLIER[i] issued in year Y-5+i,
  of which EARLIER_REPEALED repealed before Y; in Y: NEW_IN_YEAR new ones, REVISED_IN_YEAR earlier ones
  revised (a new version issued in Y replaces each: the old one becomes 已修改 with replaced_by), and
  REPEALED_IN_YEAR earlier ones repealed by one 废止决定. Each has NormativeEvent rows (ISSUED / REVISED /
  REPEALED) like catalog.services would write.
* 政策解读 (genre "interpretation") linked to most normative documents (Document.interprets); the others
  either give interpretation_not_needed or lack one (something for the 三同步 check to find).
* ~3 % published more than 20 working days after written_on (some with a late_reason), a few withdrawn
  (with a reason), a few 依申请公开 / 不予公开 with their legal basis, and up to 50 attachments (small PDFs
  and DOCX files with a text layer).

Everything is bulk-inserted in its final published state, with 索引号 allocated per agency and year in
publication order, gapless and matching IndexCounter, so later publications through catalog.services
continue the sequence. ONE audit entry ("demo.catalogue.generate") summarises the generation.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as dtime
from html import escape

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.services import record
from catalog import services as catalog_services
from catalog.models import (
    Attachment,
    DisclosureAttribute,
    Document,
    DocumentStatus,
    Genre,
    IndexCounter,
    LifecycleEvent,
    NormativeEvent,
    PublicationChannel,
    Topic,
    Validity,
    WithholdingGround,
)
from catalog.numbers import format_index_number, normalise_document_number
from catalog.sanitising import clean_html
from orgs.models import Agency
from search.services import rebuild

from . import corpus
from .files import make_docx, make_pdf

FULL_SCALE_DOCUMENTS = 16_084  # 盐池县, 2018 (its published annual report for 2018)
DEFAULT_DOCUMENTS = 6_000
MIN_DOCUMENTS = 200
# 行政规范性文件 issued in Y-5 … Y-1, and what happens to them.
NORMATIVE_EARLIER = (5, 6, 4, 6, 5)
EARLIER_REPEALED = 2  # repealed in an earlier year (the year after they were issued, or later)
NEW_IN_YEAR = 4
REVISED_IN_YEAR = 2
REPEALED_IN_YEAR = 3
INTERPRETED_SHARE = 0.8
MAX_ATTACHMENTS = 50
# 盐池县 2018: 公报 17, 网站 5701, 微博 230, 微信 1870, 其他 8260.
CHANNEL_WEIGHTS = {PublicationChannel.GAZETTE: 17, PublicationChannel.WEBSITE: 5701, PublicationChannel.WEIBO: 230,
                   PublicationChannel.WECHAT: 1870, PublicationChannel.OTHER: 8260}
WITHDRAWN_SHARE = 0.003
ON_REQUEST_SHARE = 0.006
WITHHELD_SHARE = 0.004
NORMATIVE_ISSUERS = (("gov", 5), ("bgs", 3), ("rsj", 1), ("mzj", 1), ("ybj", 1), ("zjj", 1), ("nyncj", 1))
# Which agencies publish which special genres; others turn such a draw into a 通知公告.
GENRE_AGENCIES = {
    "licensing": {"zwfwzx", "scjgj", "zrzyj", "zjj", "jtysj", "swj", "wjj", "wlgdj", "yjglj", "nyncj"},
    "penalty": {"scjgj", "gaj", "zrzyj", "yjglj", "jtysj", "wjj", "swj", "wlgdj", "zjj"},
    "fees": {"czj", "fgj"},
    "statistics": {"tjj", "fgj", "bgs", "nyncj", "jyj", "wjj"},
    "personnel": {"rsj", "jyj", "wjj", "bgs", "gov"},
}
# Where a draw lands when the drawn genre is not the agency's (a 统计局 issues no 行政许可): the two general
# genres in their own proportion, so the 通知公告 do not swell past the 工作动态.
GENERAL_GENRES = (["news", "notice"], corpus.cumulative([corpus.GENRE_WEIGHTS["news"], corpus.GENRE_WEIGHTS["notice"]]))
CATALOGUE_GENRES = {g: w for g, w in corpus.GENRE_WEIGHTS.items()
                    if g not in ("normative", "interpretation", "annual-report", "rule")}
WITHDRAWAL_REASONS = ("内容有误，已更正后重新发布。", "与已发布信息重复。", "含有个人信息，经保密审查撤回。",
                      "所依据的文件已废止，撤回原通知。")
LATE_REASONS = ("文件需履行会签程序，发布时间延后。", "因系统升级，延后发布。", "待上级部门批复后发布。")
# (ground, legal basis, title pattern) for 不予公开; the 条例 articles are those of the 2019 revision.
WITHHELD = (
    (WithholdingGround.THIRD_PARTY_RIGHTS, "《中华人民共和国政府信息公开条例》第十五条",
     "{year}年{subject}申请人家庭经济状况核对材料"),
    (WithholdingGround.INTERNAL_AFFAIRS, "《中华人民共和国政府信息公开条例》第十六条第一款",
     "{agency}{year}年内部考勤和后勤管理制度"),
    (WithholdingGround.PROCESS_INFO, "《中华人民共和国政府信息公开条例》第十六条第二款",
     "{agency}关于{subject}有关问题的请示"),
    (WithholdingGround.ENFORCEMENT_FILE, "《中华人民共和国政府信息公开条例》第十六条第二款",
     "{agency}{year}年行政执法案卷（{subject}）"),
)
ON_REQUEST_BASIS = "《中华人民共和国政府信息公开条例》第二十七条"
ON_REQUEST_TITLE = "{agency}{year}年{subject}项目实施明细"
NOT_NEEDED_REASON = "本文件仅对原文件个别条款作文字性调整，政策内容无实质变化，无需解读。"


def default_year(today: date | None = None) -> int:
    """The latest complete year: its catalogue is whole and its annual report can be compiled."""
    return (today or timezone.localdate()).year - 1


# ---------------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------------
@dataclass
class DocPlan:
    key: int
    agency: str  # Agency.code
    text: corpus.CorpusDocument  # title, body, 文号, genre, kind, item, topic, written_on, keywords, summary
    published_on: date
    lag_wd: int
    minute: int  # minutes after 08:30 of the publication time
    channels: tuple[str, ...]
    status: str = DocumentStatus.PUBLISHED
    withdrawn_reason: str = ""
    disclosure_attribute: str = DisclosureAttribute.PROACTIVE
    withholding_ground: str = ""
    legal_basis: str = ""
    late_reason: str = ""
    effective_from: date | None = None
    interpretation_not_needed: str = ""
    interpretation_forms: tuple[str, ...] = ()
    validity: str = Validity.IN_FORCE
    effective_to: date | None = None
    replaced_by: int | None = None  # key
    theme: object = None  # normative documents: the corpus Theme and subject, for revisions and interpretations
    subject: str = ""

    @property
    def year(self) -> int:
        return self.published_on.year


@dataclass(frozen=True)
class EventPlan:
    document: int  # key
    event: str
    on: date
    related: int | None = None  # key
    note: str = ""


@dataclass(frozen=True)
class AttachmentPlan:
    document: int  # key
    kind: str  # "pdf" or "docx"
    name: str
    title: str
    text: str


@dataclass
class CataloguePlan:
    year: int
    seed: int
    documents: list[DocPlan] = field(default_factory=list)
    events: list[EventPlan] = field(default_factory=list)
    interpretations: list[tuple[int, int]] = field(default_factory=list)  # (interpretation key, document key)
    attachments: list[AttachmentPlan] = field(default_factory=list)
    normative: list[int] = field(default_factory=list)  # keys of every normative document

    def in_year(self) -> list[DocPlan]:
        return [d for d in self.documents if d.year == self.year]

    def doc(self, key: int) -> DocPlan:
        return self.documents[key]


def _slug(code: str, root: str) -> str:
    return "gov" if code == root else code.split("-", 1)[1]


class _Planner:
    def __init__(self, region_plan, year: int, seed: int, is_working_day, until: date | None = None):
        self.region = region_plan
        self.year = year
        self.until = until  # the current year's items are published up to this day (today)
        self.composer = corpus.Composer(seed)
        self.rng = self.composer.rng
        self.plan = CataloguePlan(year=year, seed=seed)
        dissolved = set(region_plan.reorganisation.predecessors)
        self.code_of = {_slug(a.code, region_plan.root): a.code for a in region_plan.agencies
                        if a.code not in dissolved}
        self.workdays: dict[int, list[date]] = {}
        self.protected: set[int] = set()  # documents the special cases must not turn into something else
        self.is_working_day = is_working_day
        channels = list(CHANNEL_WEIGHTS)
        self.channels = (channels, corpus.cumulative([CHANNEL_WEIGHTS[c] for c in channels]))

    def days(self, year: int) -> list[date]:
        if year not in self.workdays:
            first = date(year, 1, 1)
            self.workdays[year] = [d for d in (first + timedelta(n) for n in range(366))
                                   if d.year == year and self.is_working_day(d)
                                   and (self.until is None or d <= self.until)]
        return self.workdays[year]

    def when(self, year: int, lag: int, not_before: date | None = None) -> tuple[date, date]:
        """(written_on, published_on) in `year`, published `lag` working days after written."""
        days = self.days(year)
        low = 0
        if not_before is not None:
            low = next((i for i, d in enumerate(days) if d >= not_before), len(days) - 1)
        high = max(low, len(days) - 1 - lag)
        i = low + int(self.rng.random() * (high - low + 1))
        return days[i], days[min(i + lag, len(days) - 1)]

    def add(self, slug: str, genre: str, year: int, *, lag: int | None = None, not_before: date | None = None,
            theme=None, subject: str | None = None, **extra) -> DocPlan:
        lag = self.composer.lag() if lag is None else lag
        written, published = self.when(year, lag, not_before)
        lag = self.days(year).index(published) - self.days(year).index(written)
        text = self.composer.compose(slug, genre, written, theme=theme, subject=subject)
        if genre == "news":
            text = replace(text, statutory_item=15)  # catalog.services requires an item for every proactive item
        channels = (self.composer.weighted(*self.channels),)
        doc = DocPlan(key=len(self.plan.documents), agency=self.code_of[slug], text=text, published_on=published,
                      lag_wd=lag, minute=int(self.rng.random() * 570), channels=channels, **extra)
        self.plan.documents.append(doc)
        return doc

    # -- normative documents and their interpretations -------------------------------------------
    def normative(self, year: int, *, slug: str | None = None, theme=None, subject: str | None = None) -> DocPlan:
        slug = slug or self.composer.weighted([s for s, _ in NORMATIVE_ISSUERS],
                                              corpus.cumulative([w for _, w in NORMATIVE_ISSUERS]))
        if theme is None:
            themes, cum = self.composer._agency_themes[slug]
            theme = self.composer.weighted(themes, cum)
        subject = subject or self.composer.pick(theme.subjects)
        doc = self.add(slug, "normative", year, lag=1 + int(self.rng.random() * 6), theme=theme, subject=subject)
        doc.theme, doc.subject = theme, subject
        doc.channels = (PublicationChannel.WEBSITE, PublicationChannel.GAZETTE) if slug in ("gov", "bgs") \
            else (PublicationChannel.WEBSITE,)
        doc.effective_from = doc.text.written_on + timedelta(days=30)
        self.plan.normative.append(doc.key)
        self.plan.events.append(EventPlan(doc.key, LifecycleEvent.ISSUED, doc.text.written_on))
        if self.rng.random() < INTERPRETED_SHARE:
            interpreter = slug if slug not in ("gov", "bgs") else self.rng.choice(
                [s for s, _, _, _, themes in corpus.AGENCIES if any(corpus.THEMES[t] is theme for t, _ in themes)
                 and s in self.code_of] or ["bgs"])
            forms = self.rng.choice((("text",), ("text", "graphic"), ("qa",), ("text", "media"), ("graphic",)))
            interpretation = self.add(interpreter, "interpretation", year, lag=doc.lag_wd, theme=theme,
                                      subject=subject, interpretation_forms=forms)
            # 三同步: the interpretation is published with the document (same day).
            interpretation.published_on = doc.published_on
            interpretation.lag_wd = doc.lag_wd
            interpretation.text = replace(interpretation.text, title=f"《{_bare_title(doc.text.title)}》政策解读",
                                          written_on=doc.text.written_on)
            self.plan.interpretations.append((interpretation.key, doc.key))
        elif self.rng.random() < 0.5:
            doc.interpretation_not_needed = NOT_NEEDED_REASON
        return doc

    def lifecycle(self) -> None:
        y = self.year
        earlier: list[DocPlan] = []
        for offset, count in enumerate(NORMATIVE_EARLIER):
            earlier.extend(self.normative(y - len(NORMATIVE_EARLIER) + offset) for _ in range(count))
        order = list(range(len(earlier)))
        self.rng.shuffle(order)
        picks = [earlier[i] for i in order]
        # Only documents issued before Y-1 can have been repealed before Y.
        old = [d for d in picks if d.year < y - 1]
        repealed_before = old[:EARLIER_REPEALED]
        rest = [d for d in picks if d not in repealed_before]
        revised, repealed = rest[:REVISED_IN_YEAR], rest[REVISED_IN_YEAR:REVISED_IN_YEAR + REPEALED_IN_YEAR]
        for doc in repealed_before:
            on = self.days(doc.year + 1)[int(self.rng.random() * 200)]
            doc.validity, doc.effective_to = Validity.REPEALED, on
            self.plan.events.append(EventPlan(doc.key, LifecycleEvent.REPEALED, on, note="经清理，决定废止。"))
        for _ in range(NEW_IN_YEAR):
            self.normative(y)
        for doc in revised:
            new = self.normative(y, slug=_slug(doc.agency, self.region.root), theme=doc.theme, subject=doc.subject)
            new.text = replace(new.text, title=doc.text.title)
            doc.validity, doc.replaced_by = Validity.AMENDED, new.key
            self.plan.events.append(EventPlan(doc.key, LifecycleEvent.REVISED, new.text.written_on, related=new.key,
                                              note=f"已被{new.text.document_number}修订。"))
        # One 废止决定 in Y repeals the rest; it is a 其他文件 under 第二十条第（一）项.
        decision = self.add("gov", "other-document", y, lag=2, not_before=date(y, 6, 1))
        self.protected.add(decision.key)
        listed = "、".join(f"《{_bare_title(d.text.title)}》（{d.text.document_number}）" for d in repealed)
        decision.text = replace(
            decision.text, title=f"{corpus.REGION}人民政府关于废止部分行政规范性文件的决定", statutory_item=1,
            topic_code="02", body=(f"各乡镇人民政府，县直各部门：\n为维护法制统一，根据行政规范性文件清理结果，"
                                    f"县人民政府决定废止以下{len(repealed)}件行政规范性文件：{listed}。\n"
                                    "本决定自印发之日起施行。\n" + decision.text.body),
            summary="废止经清理不再适用的行政规范性文件。", keywords="行政规范性文件；清理；废止")
        for doc in repealed:
            doc.validity, doc.effective_to = Validity.REPEALED, decision.text.written_on
            self.plan.events.append(EventPlan(doc.key, LifecycleEvent.REPEALED, decision.text.written_on,
                                              related=decision.key, note="经清理，决定废止。"))

    # -- the year's catalogue ----------------------------------------------------------------------
    def annual_reports(self) -> None:
        for slug in self.code_of:
            self.add(slug, "annual-report", self.year, lag=1 + int(self.rng.random() * 4),
                     not_before=date(self.year, 1, 2))
        for doc in self.plan.documents[-len(self.code_of):]:
            # Due by 31 January (条例 第四十九条): written and published in January.
            days = [d for d in self.days(self.year) if d.month == 1]
            i = int(self.rng.random() * (len(days) - 5))
            doc.published_on, doc.lag_wd = days[i + 3], 3
            doc.text = replace(doc.text, written_on=days[i])

    def bulk(self, count: int) -> None:
        genres = list(CATALOGUE_GENRES)
        genre_cum = corpus.cumulative(CATALOGUE_GENRES.values())
        slugs = [s for s in self.code_of if corpus.AGENCY_WEIGHTS.get(s)]
        slug_cum = corpus.cumulative([corpus.AGENCY_WEIGHTS[s] for s in slugs])
        weighted = self.composer.weighted
        for _ in range(count):
            slug = weighted(slugs, slug_cum)
            genre = weighted(genres, genre_cum)
            if genre in GENRE_AGENCIES and slug not in GENRE_AGENCIES[genre]:
                genre = self.composer.weighted(*GENERAL_GENRES)  # not this agency's: a 动态 or a 通知公告
            doc = self.add(slug, genre, self.year)
            if doc.lag_wd > 20 and self.rng.random() < 0.5:
                doc.late_reason = self.rng.choice(LATE_REASONS)

    def current_year(self, count: int) -> None:
        """The year in progress, up to `until`: `count` items spread over it like the demo year's, and
        every agency's 动态 and 通知公告 kept fresh (a news item in the last days, a notice in the last two
        months), as a working county's site is — so 网站监测 finds what a real one would, not a site
        abandoned since December."""
        year = self.until.year
        days = self.days(year)
        if len(days) < 3:
            return  # the first working days of January: nothing to publish yet
        genres = list(CATALOGUE_GENRES)
        genre_cum = corpus.cumulative(CATALOGUE_GENRES.values())
        slugs = [s for s in self.code_of if corpus.AGENCY_WEIGHTS.get(s)]
        slug_cum = corpus.cumulative([corpus.AGENCY_WEIGHTS[s] for s in slugs])
        for _ in range(count):
            slug = self.composer.weighted(slugs, slug_cum)
            genre = self.composer.weighted(genres, genre_cum)
            if genre in GENRE_AGENCIES and slug not in GENRE_AGENCIES[genre]:
                genre = self.composer.weighted(*GENERAL_GENRES)  # not this agency's: a 动态 or a 通知公告
            self.add(slug, genre, year, lag=1 + int(self.rng.random() * 8))
        for slug in self.code_of:
            self.add(slug, "news", year, lag=1, not_before=days[max(0, len(days) - 6)])
            self.add(slug, "notice", year, lag=2, not_before=days[max(0, len(days) - 40)])
            self.add(slug, "other-document", year, lag=2, not_before=days[max(0, len(days) - 100)])

    def special_cases(self) -> None:
        """Withdrawn, 依申请公开 and 不予公开 items among the ordinary ones."""
        ordinary = [d for d in self.plan.in_year() if d.key not in self.protected
                    and d.text.genre_code in ("notice", "news", "other-document", "other")]
        n = len(self.plan.in_year())
        withdrawn = max(2, round(n * WITHDRAWN_SHARE))
        on_request = max(2, round(n * ON_REQUEST_SHARE))
        withheld = max(len(WITHHELD), round(n * WITHHELD_SHARE))
        chosen = self.rng.sample(ordinary, withdrawn + on_request + withheld)
        for doc in chosen[:withdrawn]:
            doc.status, doc.withdrawn_reason = DocumentStatus.WITHDRAWN, self.rng.choice(WITHDRAWAL_REASONS)
        agencies = {a.code: a for a in self.region.agencies}
        for i, doc in enumerate(chosen[withdrawn:withdrawn + on_request]):
            subject = corpus.THEMES[list(corpus.THEMES)[i % len(corpus.THEMES)]].subjects[0]
            doc.disclosure_attribute, doc.legal_basis = DisclosureAttribute.ON_REQUEST, ON_REQUEST_BASIS
            doc.text = replace(doc.text, title=ON_REQUEST_TITLE.format(agency=agencies[doc.agency].name, year=self.year,
                                                                      subject=subject), genre_code="other",
                               statutory_item=None, document_number="")
            doc.channels = ()
        for i, doc in enumerate(chosen[withdrawn + on_request:]):
            ground, basis, title = WITHHELD[i % len(WITHHELD)]
            subject = self.composer.pick(corpus.THEMES[self.composer.pick(list(corpus.THEMES))].subjects)
            doc.disclosure_attribute, doc.withholding_ground, doc.legal_basis = DisclosureAttribute.WITHHELD, ground, basis
            doc.text = replace(doc.text, title=title.format(agency=agencies[doc.agency].name, year=self.year,
                                                            subject=subject), genre_code="other", statutory_item=None,
                               document_number="")
            doc.channels = ()

    def attachments(self) -> None:
        candidates = [d for d in self.plan.in_year()
                      if d.status == DocumentStatus.PUBLISHED and d.disclosure_attribute == DisclosureAttribute.PROACTIVE
                      and d.text.genre_code in ("notice", "other-document", "plan", "procurement", "personnel")]
        count = min(MAX_ATTACHMENTS, max(4, len(self.plan.in_year()) // 300), len(candidates))
        for i, doc in enumerate(self.rng.sample(candidates, count)):
            kind = "pdf" if i % 2 == 0 else "docx"
            title = f"附件：{_bare_title(doc.text.title)}"
            first = doc.text.body.split("\n")
            text = "\n".join(first[:4])
            self.plan.attachments.append(AttachmentPlan(doc.key, kind, f"{title[3:][:60]}.{kind}", title, text))


def _bare_title(title: str) -> str:
    """盐池县人民政府关于印发盐池县X办法的通知 → 盐池县X办法."""
    if "关于印发" in title and title.endswith("的通知"):
        return title[title.index("关于印发") + 4:-3]
    return title


def plan_catalogue(region_plan, documents: int, *, year: int, seed: int, is_working_day,
                   until: date | None = None) -> CataloguePlan:
    """The catalogue as data: `documents` items published in `year`, plus the earlier years' 行政规范性文件
    (and their interpretations); with `until` (today, in the year after `year`), the current year up to that
    day too. `is_working_day(date) -> bool` is the working-day calendar."""
    # cycle: demo.generator imports this module at module level (plan_catalogue, build_catalogue, …)
    from .generator import DemoError

    if region_plan.profile != "county":
        raise DemoError("目前只有县级演示区域（--profile county）可以生成政府信息目录。")
    if documents < MIN_DOCUMENTS:
        raise DemoError(f"政府信息条数至少为 {MIN_DOCUMENTS}（或 0，不生成目录）。")
    planner = _Planner(region_plan, year, seed, is_working_day,
                       until=until if until is not None and until.year == year + 1 else None)
    planner.lifecycle()
    planner.annual_reports()
    planner.bulk(documents - len(planner.plan.in_year()))
    planner.special_cases()
    planner.attachments()
    if planner.until is not None:
        elapsed = (planner.until - date(planner.until.year, 1, 1)).days + 1
        planner.current_year(documents * elapsed // 365 // 4)
    return planner.plan


# ---------------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------------
@dataclass
class CatalogueSummary:
    plan: CataloguePlan
    document_ids: dict[int, int]  # plan key → Document id
    seconds: float
    search_note: str = ""

    @property
    def year(self) -> int:
        return self.plan.year

    def counts(self) -> dict:
        docs = self.plan.documents
        return {
            "documents": len(docs),
            "in_year": len(self.plan.in_year()),
            "by_genre": dict(sorted(Counter(d.text.genre_code for d in docs).items())),
            "normative": len(self.plan.normative),
            "interpretations": len(self.plan.interpretations),
            "withdrawn": sum(d.status == DocumentStatus.WITHDRAWN for d in docs),
            "late": sum(d.lag_wd > 20 for d in docs),
            "attachments": len(self.plan.attachments),
        }


def build_catalogue(plan: CataloguePlan, agencies: dict[str, Agency]) -> CatalogueSummary:
    """Insert the plan (inside the caller's transaction); `agencies` maps codes to saved agencies."""
    started = time.monotonic()
    genres = Genre.objects.in_bulk(field_name="code")
    topics = Topic.objects.in_bulk(field_name="code")
    tz = timezone.get_current_timezone()
    # 索引号: per agency and year, serials in order of publication.
    serial_of: dict[int, int] = {}
    last: dict[tuple[str, int], int] = defaultdict(int)
    for doc in sorted(plan.documents, key=lambda d: (d.agency, d.published_on, d.minute, d.key)):
        last[doc.agency, doc.year] += 1
        serial_of[doc.key] = last[doc.agency, doc.year]
    rows = []
    for doc in plan.documents:
        t = doc.text
        agency = agencies[doc.agency]
        paragraphs = t.body.split("\n")
        body = clean_html("".join(f"<p>{escape(p)}</p>" for p in paragraphs))
        published_at = datetime.combine(doc.published_on, dtime(8, 30), tzinfo=tz) + timedelta(minutes=doc.minute)
        serial = serial_of[doc.key]
        withdrawn = doc.status == DocumentStatus.WITHDRAWN
        rows.append(Document(
            publisher=agency, index_number=format_index_number(agency.effective_index_prefix, doc.year, serial),
            index_year=doc.year, index_serial=serial, title=t.title, document_number=t.document_number,
            document_number_key=normalise_document_number(t.document_number), summary=t.summary,
            keywords=t.keywords, kind=t.kind, genre=genres[t.genre_code], topic=topics.get(t.topic_code),
            statutory_item=t.statutory_item, disclosure_attribute=doc.disclosure_attribute,
            withholding_ground=doc.withholding_ground, legal_basis=doc.legal_basis, channels=list(doc.channels),
            written_on=t.written_on, formed_or_changed_on=t.written_on, generated_on=t.written_on,
            published_on=doc.published_on, published_at=published_at, publication_lag_wd=doc.lag_wd,
            late_reason=doc.late_reason, validity=doc.validity, effective_from=doc.effective_from,
            effective_to=doc.effective_to, interpretation_not_needed=doc.interpretation_not_needed,
            interpretation_forms=list(doc.interpretation_forms), body=body, body_text=_body_text(paragraphs),
            status=doc.status, withdrawn_reason=doc.withdrawn_reason,
            withdrawn_at=published_at + timedelta(days=3) if withdrawn else None))
    Document.objects.bulk_create(rows, batch_size=500)
    ids = {doc.key: row.pk for doc, row in zip(plan.documents, rows, strict=True)}
    replaced = [(ids[d.replaced_by], ids[d.key]) for d in plan.documents if d.replaced_by is not None]
    for new_id, old_id in replaced:
        Document.objects.filter(pk=old_id).update(replaced_by_id=new_id)
    IndexCounter.objects.bulk_create(
        IndexCounter(agency=agencies[code], year=year, last_serial=n) for (code, year), n in sorted(last.items()))
    NormativeEvent.objects.bulk_create(
        NormativeEvent(document_id=ids[e.document], event=e.event, on=e.on, note=e.note,
                       related_document_id=ids[e.related] if e.related is not None else None) for e in plan.events)
    through = Document.interprets.through
    through.objects.bulk_create(through(from_document_id=ids[i], to_document_id=ids[d]) for i, d in plan.interpretations)
    for index, a in enumerate(plan.attachments):
        content = make_pdf(a.title, a.text) if a.kind == "pdf" else make_docx(a.title, a.text)
        content_type = "application/pdf" if a.kind == "pdf" else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        attachment = Attachment(document=rows[a.document], original_name=a.name, content_type=content_type,
                                size=len(content), text=f"{a.title}\n{a.text}", sort_order=0)
        attachment.file.save(f"fujian-{index + 1}.{a.kind}", ContentFile(content), save=False)
        attachment.save()
    summary = CatalogueSummary(plan=plan, document_ids=ids, seconds=0.0)
    root = next(a for a in agencies.values() if a.parent_id is None)
    counts = summary.counts()
    record("demo.catalogue.generate", root, after={"year": plan.year, "seed": plan.seed, **counts},
           note=f"批量生成演示政府信息 {counts['documents']} 条（{plan.year} 年 {counts['in_year']} 条），"
                "以最终发布状态直接写入，不逐条记录发布过程。")
    summary.seconds = time.monotonic() - started
    return summary


def _body_text(paragraphs: list[str]) -> str:
    """What catalog.sanitising.html_to_text gives for these paragraphs wrapped in <p>, without parsing the
    HTML again (a third of the build time); the tests check the equality."""
    lines = (" ".join(p.split()) for p in paragraphs)
    return "\n".join(line for line in lines if line)


def rebuild_search_index() -> str:
    """Rebuild the search index (search.services.rebuild)."""
    started = time.monotonic()
    rebuild()
    return f"已重建搜索索引，用时 {time.monotonic() - started:.1f} 秒。"


__all__ = ["DEFAULT_DOCUMENTS", "FULL_SCALE_DOCUMENTS", "CataloguePlan", "CatalogueSummary", "build_catalogue",
           "default_year", "plan_catalogue", "rebuild_search_index"]


# ---------------------------------------------------------------------------------------------------
# Work in progress today (through catalog.services, as the editors and reviewers would)
# ---------------------------------------------------------------------------------------------------
WORKFLOW_GENRES = ("notice", "other-document", "plan")


def build_workflow(region_plan, agencies: dict[str, Agency], today: date, seed: int) -> int:
    """At each agency whose 编辑 and 审核 log in: a draft the editor is still writing, one submitted for 保密审查
    and one that passed it and waits for 审核 — what their 待办 shows on arrival. Returns how many."""
    users = get_user_model().objects.in_bulk(field_name="username")
    composer = corpus.Composer(seed + today.year)
    genres = Genre.objects.in_bulk(field_name="code")
    topics = Topic.objects.in_bulk(field_name="code")
    made = 0
    for plan in region_plan.users:
        if not plan.username.endswith("-editor"):
            continue
        editor = users.get(plan.username)
        reviewer = users.get(plan.username.removesuffix("-editor") + "-reviewer")
        code = plan.roles[0][1]
        if editor is None or code not in agencies:
            continue
        agency, slug = agencies[code], _slug(code, region_plan.root)
        if slug not in corpus.AGENCY_INDEX:
            slug = "bgs"
        documents = []
        for genre in WORKFLOW_GENRES:
            text = composer.compose(slug, genre, today, with_number=True)
            documents.append(catalog_services.create_draft(
                publisher=agency, user=editor, title=text.title, document_number=text.document_number,
                summary=text.summary, keywords=text.keywords, kind=text.kind, genre=genres[text.genre_code],
                topic=topics.get(text.topic_code), statutory_item=text.statutory_item or 15, written_on=today,
                body=clean_html("".join(f"<p>{escape(p)}</p>" for p in text.body.split("\n")))).document)
            made += 1
        catalog_services.submit(documents[1], user=editor)
        catalog_services.submit(documents[2], user=editor)
        if reviewer is not None:
            catalog_services.pass_secrecy_review(documents[2], user=reviewer)
    return made
