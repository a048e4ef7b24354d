"""The inspection rules (国办秘函〔2019〕19号 检查指标; docs/law/web.md §2) as checks over the platform's own
data.

Every rule is a database query over what the portal renders (plus, for bodies and attachments, a parse of
the stored HTML and a look at file storage): the portal is generated from these rows, so crawling our own
site over HTTP would only measure the same data more slowly. Uptime probes (the site reachable rule),
outbound links and content scans (the serious errors rule; both docs/law/web.md §2) need HTTP and are not
here.

Status follows the tags of docs/law (README.md, "How to read an entry"): VERIFIED when the threshold was
seen in the official text (no tag); a rule whose source is only local practice or an inspection 通报 (LOCAL,
or UNVERIFIED) is UNVERIFIED here and can only ever raise a warning, never a one-strike failure.

The three-month line (docs/law/letters-mailbox.md: 留言 unanswered > 3 months) is checked over the letters
app's open letters.

Thresholds are read from settings at run time (getattr with the default), so tests and deployments
override them without code changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Q
from django.http.request import validate_host
from django.urls import Resolver404, resolve, reverse

from catalog.models import INTERPRETATION_GENRE, Attachment, Document, DocumentKind
from disclosure_requests.models import OPEN_STATES, DisclosureRequest
from mailboxes.models import OPEN_STATES as LETTER_OPEN_STATES
from mailboxes.models import Letter
from orgs.models import Agency, AgencyKind

from .models import Severity

SOURCE_19 = "国办秘函〔2019〕19号"
SOURCE_REGULATION = "政府信息公开条例（国务院令第711号）"


class Status(StrEnum):
    VERIFIED = "VERIFIED"
    UNVERIFIED = "UNVERIFIED"


def setting(name: str, default):
    return getattr(settings, name, default)


@dataclass
class Issue:
    rule_id: str
    agency: Agency
    severity: str
    measured: str
    threshold: str
    items: list[dict] = field(default_factory=list)


def document_item(document, detail: str = "") -> dict:
    return {"kind": "document", "document_id": document.pk, "label": document.title, "detail": detail}


class Rule:
    id: str = ""
    title: str = ""
    source: str = ""
    requirement: str = ""  # the docs/law page and rule name(s)
    status: Status = Status.VERIFIED

    def threshold_label(self) -> str:
        raise NotImplementedError

    def run(self, agencies: list[Agency], today: dt.date) -> list[Issue]:
        raise NotImplementedError

    def issues_by_agency(self, agencies, grouped: dict[int, list[dict]], unit: str) -> list[Issue]:
        """One issue per agency (ordered as the tree) from items grouped by agency id; `unit` completes
        the count, e.g. "个附件文件缺失"."""
        by_id = _by_id(agencies)
        return [self.issue(by_id[pk], f"{len(items)} {unit}", items)
                for pk, items in sorted(grouped.items(), key=lambda kv: by_id[kv[0]].path)]

    def issue(self, agency, measured: str, items=(), severity: str = Severity.ERROR) -> Issue:
        # The one place severity is decided: an unverified rule is never a hard failure.
        if self.status == Status.UNVERIFIED:
            severity = Severity.WARNING
        return Issue(self.id, agency, str(severity), measured, self.threshold_label(), list(items))


RULES: dict[str, Rule] = {}


def register(cls):
    rule = cls()
    RULES[rule.id] = rule
    return cls


def public_documents():
    return Document.objects.public()


def _by_id(agencies) -> dict[int, Agency]:
    return {agency.pk: agency for agency in agencies}


@register
class HomepageFreshness(Rule):
    id = "homepage_freshness"
    title = "门户网站首页更新"
    source = f"{SOURCE_19} 单项否决；国办发〔2015〕15号"
    requirement = "docs/law/web.md §2 homepage fresh"

    @property
    def days(self) -> int:
        return setting("GONGKAI_MONITOR_HOMEPAGE_DAYS", 14)

    @property
    def warn_days(self) -> int:
        return setting("GONGKAI_MONITOR_HOMEPAGE_WARN_DAYS", 7)

    def threshold_label(self) -> str:
        return f"{self.days} 天内应有更新（{self.warn_days} 天起预警）"

    def run(self, agencies, today):
        # The portal's homepage shows the newest public items of the whole region: the region is the tree
        # under a root agency, so the check applies to each root among the agencies checked.
        issues = []
        for root in (a for a in agencies if a.parent_id is None):
            latest = (public_documents().filter(publisher__path__startswith=root.path, published_on__lte=today)
                      .order_by("-published_on", "-id").first())
            if latest is None:
                issues.append(self.issue(root, "首页没有任何带发布日期的公开信息"))
                continue
            days = (today - latest.published_on).days
            items = [document_item(latest, f"最近发布 {latest.published_on:%Y-%m-%d}")]
            if days >= self.days:
                issues.append(self.issue(root, f"{days} 天未更新", items))
            elif days >= self.warn_days:
                issues.append(self.issue(root, f"{days} 天未更新", items, Severity.WARNING))
        return issues


class ColumnFreshness(Rule):
    """A column exists once it has its first item (the columns fresh rule, docs/law/web.md §2: an empty column
    stays hidden until then), so a column with no public item is not stale here; empty_column covers the
    agency with nothing at all."""

    requirement = "docs/law/web.md §2 columns fresh"
    source = f"{SOURCE_19} 单项否决（栏目不更新）"
    column_types: dict[str, str] = {}

    def since(self, today: dt.date) -> dt.date:
        raise NotImplementedError

    def run(self, agencies, today):
        by_id = _by_id(agencies)
        cutoff = self.since(today)
        rows = (public_documents().filter(publisher__in=list(by_id), genre__column_type__in=list(self.column_types),
                                          published_on__lte=today)
                .exclude(genre__code=INTERPRETATION_GENRE)  # 政策解读 is its own column, not 政策文件
                .values("publisher", "genre__column_type").annotate(latest=Max("published_on"))
                .order_by("publisher", "genre__column_type"))
        issues = []
        for row in rows:
            latest = row["latest"]
            if latest is None or latest > cutoff:
                continue
            agency = by_id[row["publisher"]]
            column = self.column_types[row["genre__column_type"]]
            newest = (public_documents().filter(publisher=agency, genre__column_type=row["genre__column_type"],
                                                published_on=latest)
                      .exclude(genre__code=INTERPRETATION_GENRE).order_by("-id").first())
            issues.append(self.issue(agency, f"{column}栏目 {(today - latest).days} 天未更新（最近 {latest:%Y-%m-%d}）",
                                     [document_item(newest, f"{column}最近一条")] if newest else []))
        return issues


@register
class NewsFreshness(ColumnFreshness):
    id = "column_freshness.news"
    title = "动态要闻类栏目更新"
    column_types = {"news": "动态/要闻"}

    @property
    def days(self) -> int:
        return setting("GONGKAI_MONITOR_NEWS_DAYS", 14)

    def since(self, today):
        return today - dt.timedelta(days=self.days)

    def threshold_label(self) -> str:
        return f"{self.days} 天内应有更新"


@register
class NoticePolicyFreshness(ColumnFreshness):
    id = "column_freshness.notice_policy"
    title = "通知公告、政策文件类栏目更新"
    column_types = {"notice": "通知公告", "policy": "政策文件"}

    @property
    def months(self) -> int:
        return setting("GONGKAI_MONITOR_NOTICE_POLICY_MONTHS", 6)

    def since(self, today):
        return today - relativedelta(months=self.months)  # clamped: 31 Aug − 6 months = 28/29 Feb

    def threshold_label(self) -> str:
        return f"{self.months} 个月内应有更新"


@register
class EmptyColumn(Rule):
    id = "empty_column"
    title = "空白栏目（法定主动公开内容）"
    source = f"{SOURCE_19} 单项否决（空白栏目）；条例第二十条"
    requirement = "docs/law/web.md §2 no empty columns, §1 statutory items"

    def threshold_label(self) -> str:
        return "至少 1 条公开信息"

    def run(self, agencies, today):
        # 内设机构 do not disclose in their own name, and a dissolved agency's column is closed.
        candidates = [a for a in agencies if a.kind != AgencyKind.INTERNAL_UNIT and a.is_active_on(today)]
        ids = [a.pk for a in candidates]
        public = public_documents()
        published = set(public.filter(publisher__in=ids).values_list("publisher", flat=True).distinct())
        co_published = set(Document.co_publishers.through.objects.filter(agency__in=ids, document__in=public)
                           .values_list("agency", flat=True).distinct())
        return [self.issue(agency, "法定主动公开内容栏目没有公开信息",
                           [{"kind": "url", "label": "法定主动公开内容",
                             "url": reverse("portal:agency_statutory", args=[agency.code]), "detail": ""}])
                for agency in candidates if agency.pk not in published | co_published]


class RecentDocumentsRule(Rule):
    @property
    def lookback_days(self) -> int:
        return setting("GONGKAI_MONITOR_LOOKBACK_DAYS", 180)

    def recent(self, agencies, today):
        return public_documents().filter(publisher__in=[a.pk for a in agencies],
                                         published_on__gt=today - dt.timedelta(days=self.lookback_days),
                                         published_on__lte=today)

    def per_agency(self, agencies, documents, measure, detail) -> list[Issue]:
        by_id = _by_id(agencies)
        grouped: dict[int, list] = {}
        for document in documents:
            grouped.setdefault(document.publisher_id, []).append(document)
        return [self.issue(by_id[pk], measure(docs), [document_item(d, detail(d)) for d in docs])
                for pk, docs in sorted(grouped.items(), key=lambda kv: by_id[kv[0]].path)]


@register
class LatePublication(RecentDocumentsRule):
    id = "late_publication"
    title = "主动公开信息发布时限"
    source = f"{SOURCE_REGULATION} 第二十六条"
    requirement = "docs/law/proactive-disclosure.md §2 publish within 20 WD"

    @property
    def limit(self) -> int:
        return setting("GONGKAI_PROACTIVE_PUBLISH_WD", 20)

    def threshold_label(self) -> str:
        return f"形成或者变更之日起 {self.limit} 个工作日内（近 {self.lookback_days} 天发布的信息）"

    def run(self, agencies, today):
        # A document's own 发布时限 (第二十六条但书) replaces the default; a 超期说明 is the allowed exception.
        late = (Q(publish_deadline_wd__isnull=True, publication_lag_wd__gt=self.limit)
                | Q(publish_deadline_wd__isnull=False, publication_lag_wd__gt=F("publish_deadline_wd")))
        documents = self.recent(agencies, today).filter(late, late_reason="").order_by("published_on", "id")
        return self.per_agency(
            agencies, documents,
            lambda docs: f"{len(docs)} 件超期发布，最长 {max(d.publication_lag_wd for d in docs)} 个工作日",
            lambda d: f"{d.publication_lag_wd} 个工作日（时限 {d.publish_deadline_wd or self.limit}）")


@register
class MissingInterpretation(RecentDocumentsRule):
    id = "missing_interpretation"
    title = "政策解读（三同步）"
    source = "国办发〔2016〕80号；解读关联见19号通报"
    requirement = "docs/law/web.md §1 interpretation at the same time, interpretations linked both ways"
    status = Status.UNVERIFIED  # the three-same-time wording was seen only in copies (P)

    def threshold_label(self) -> str:
        return f"行政规范性文件、政策性文件应有已发布的解读或无需解读理由（近 {self.lookback_days} 天发布的文件）"

    def run(self, agencies, today):
        explained = Exists(public_documents().filter(interprets=OuterRef("pk")))
        documents = (self.recent(agencies, today)
                     .filter(Q(kind=DocumentKind.NORMATIVE_DOCUMENT) | Q(is_policy_document=True))
                     .exclude(genre__code=INTERPRETATION_GENRE).filter(interpretation_not_needed="")
                     .filter(~explained).order_by("published_on", "id"))
        return self.per_agency(agencies, documents, lambda docs: f"{len(docs)} 件未解读且未说明理由",
                               lambda d: f"发布于 {d.published_on:%Y-%m-%d}")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def internal_links(body: str) -> list[tuple[str, str, str]]:
    """(href, portal view name, key) for each link in `body` to one of our portal's object pages."""
    parser = _Links()
    parser.feed(body or "")
    hosts = setting("GONGKAI_MONITOR_SITE_HOSTS", None) or settings.ALLOWED_HOSTS
    found = []
    for href in parser.hrefs:
        parts = urlsplit(href.strip())
        if parts.scheme not in ("", "http", "https") or not parts.path.startswith("/"):
            continue
        if parts.netloc and not validate_host(parts.netloc.split(":")[0], hosts):
            continue  # another site: outbound links need an HTTP checker (docs/law/web.md §2), not this rule
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.view_name in ("portal:document", "portal:attachment"):
            found.append((href, match.view_name, str(match.kwargs["pk"])))
        elif match.view_name.startswith(("portal:agency_", "portal:feed_agency")) and "code" in match.kwargs:
            found.append((href, "portal:agency", match.kwargs["code"]))
    return found


@register
class BrokenInternalLink(Rule):
    id = "broken_internal_link"
    title = "站内断链、错链"
    source = f"{SOURCE_19} 扣分项（分值未核实）"
    requirement = "docs/law/web.md §2 broken links and missing files"
    status = Status.UNVERIFIED

    def threshold_label(self) -> str:
        return "正文中的站内链接均应可访问"

    def run(self, agencies, today):
        documents = (public_documents().filter(publisher__in=[a.pk for a in agencies], body__contains="href")
                     .only("id", "title", "body", "publisher_id").order_by("id"))
        links = [(d, *link) for d in documents for link in internal_links(d.body)]
        wanted = {kind: {key for _d, _h, k, key in links if k == kind}
                  for kind in ("portal:document", "portal:attachment", "portal:agency")}
        doc_ids = {int(k) for k in wanted["portal:document"]}
        attachment_ids = {int(k) for k in wanted["portal:attachment"]}
        alive = {
            "portal:document": {str(pk) for pk in public_documents().filter(pk__in=doc_ids)
                                .values_list("pk", flat=True)},
            "portal:attachment": {str(pk) for pk in Attachment.objects.filter(pk__in=attachment_ids,
                                                                            document__in=public_documents())
                                  .values_list("pk", flat=True)},
            "portal:agency": set(Agency.objects.active_on(today).filter(code__in=wanted["portal:agency"])
                                 .values_list("code", flat=True)),
        }
        broken: dict[int, list[dict]] = {}
        for document, href, kind, key in links:
            if key not in alive[kind]:
                broken.setdefault(document.publisher_id, []).append(
                    {"kind": "link", "document_id": document.pk, "label": document.title, "detail": href})
        return self.issues_by_agency(agencies, broken, "个站内链接失效")


@register
class MissingAttachmentFile(Rule):
    id = "missing_attachment_file"
    title = "附件无法下载"
    source = f"{SOURCE_REGULATION} 第二十四条；{SOURCE_19} 扣分项（分值未核实）"
    requirement = "docs/law/web.md §1 search, view, download; §2 broken links and missing files"
    status = Status.UNVERIFIED

    def threshold_label(self) -> str:
        return "公开信息的附件文件均应存在"

    def run(self, agencies, today):
        attachments = (Attachment.objects.filter(document__in=public_documents(),
                                                 document__publisher__in=[a.pk for a in agencies])
                       .select_related("document").order_by("document_id", "sort_order", "id"))
        missing: dict[int, list[dict]] = {}
        for attachment in attachments:
            if not attachment.file.name or not attachment.file.storage.exists(attachment.file.name):
                document = attachment.document
                missing.setdefault(document.publisher_id, []).append(
                    {"kind": "attachment", "document_id": document.pk, "label": document.title,
                     "detail": attachment.original_name})
        return self.issues_by_agency(agencies, missing, "个附件文件缺失")


@register
class MissingPublishDate(Rule):
    id = "missing_publish_date"
    title = "发布日期缺失"
    source = "国办发〔2015〕15号（无日期视为未更新）；信息元数据见 docs/law/web.md §1"
    requirement = "docs/law/web.md §2 undated items count as not updated, §1 metadata box"

    def threshold_label(self) -> str:
        return "每条公开信息都有发布日期"

    def run(self, agencies, today):
        by_id = _by_id(agencies)
        documents = public_documents().filter(publisher__in=list(by_id), published_on__isnull=True).order_by("id")
        grouped: dict[int, list] = {}
        for document in documents:
            grouped.setdefault(document.publisher_id, []).append(document_item(document, "无发布日期"))
        return self.issues_by_agency(agencies, grouped, "条公开信息没有发布日期")


@register
class OverdueRequests(Rule):
    id = "overdue_requests"
    title = "依申请公开逾期未答复"
    source = f"{SOURCE_REGULATION} 第三十三条"
    requirement = "docs/law/web.md §2 overdue requests; docs/law/requests.md §6"

    def threshold_label(self) -> str:
        return "在答复期限内答复"

    def run(self, agencies, today):
        # The same definition as the 依申请公开 queue's 逾期 list: open and past the computed due date.
        by_id = _by_id(agencies)
        cases = (DisclosureRequest.objects.filter(agency__in=list(by_id), state__in=OPEN_STATES, due_on__lt=today)
                 .order_by("due_on", "id"))
        grouped: dict[int, list] = {}
        for case in cases:
            grouped.setdefault(case.agency_id, []).append(
                {"kind": "request", "request_id": case.pk, "label": str(case),
                 "detail": f"答复期限 {case.due_on:%Y-%m-%d}，已逾期 {(today - case.due_on).days} 天"})
        return self.issues_by_agency(agencies, grouped, "件逾期未答复")


@register
class LettersUnanswered(Rule):
    """The three-month line (docs/law/letters-mailbox.md), 单项否决: within the last 12 months, no valid
    message may stay unanswered for more than 3 months. A letter not yet screened counts too (only an invalid
    one, with its reason, leaves the clock)."""

    id = "letters_unanswered"
    title = "留言超过3个月未答复"
    source = "国办秘函〔2019〕19号"
    requirement = "docs/law/letters-mailbox.md three-month line"

    def threshold_label(self) -> str:
        return "有效留言3个月内答复"

    def run(self, agencies, today):
        by_id = _by_id(agencies)
        letters = (Letter.objects.filter(agency__in=list(by_id), state__in=LETTER_OPEN_STATES,
                                         veto_on__lt=today).order_by("veto_on", "id"))
        grouped: dict[int, list] = {}
        for letter in letters:
            grouped.setdefault(letter.agency_id, []).append(
                {"kind": "letter", "letter_id": letter.pk, "label": letter.number,
                 "detail": f"受理日期 {letter.received_on:%Y-%m-%d}，{letter.veto_on:%Y-%m-%d} 起超过3个月"})
        return self.issues_by_agency(agencies, grouped, "件留言超过3个月未答复")


def run_all(agencies, today) -> list[tuple[Rule, Issue]]:
    agencies = list(agencies)
    return [(rule, issue) for rule in RULES.values() for issue in rule.run(agencies, today)]

