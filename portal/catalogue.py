"""Read-side helpers shared by the portal pages, feeds, sitemap and JSON API: which documents the public may
see, how list filters are read from a query string, and a paginator that does not count a million rows on
every page view."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from catalog.models import (
    COUNTY_LOCAL_ITEMS,
    INTERPRETATION_GENRE,
    TOWNSHIP_LOCAL_ITEMS,
    DisclosureAttribute,
    Document,
    DocumentStatus,
    Genre,
    LocalItem,
    StatutoryItem,
    Topic,
    Validity,
)
from orgs.models import Agency, AgencyLevel

PAGE_SIZE = 20
# Deep OFFSET pages are slow on a large table and nobody reads page 900: past this, narrow the filters.
MAX_PAGE = 500
COUNT_CACHE_SECONDS = 120
ANNUAL_REPORT_GENRE = "annual-report"
# Home page columns (栏目) fed by 体裁分类 codes.
HOME_COLUMNS = [
    ("通知公告", ("notice",)),
    ("政策文件", ("rule", "normative", "other-document")),
    ("政策解读", (INTERPRETATION_GENRE,)),
    ("工作动态", ("news",)),
]
MIN_YEAR = 1949
MAX_CO_PUBLISHED = 500
# Counting stops here: it is as far as the pages go (MAX_PAGE × PAGE_SIZE), and a bounded count stays cheap.
COUNT_CAP = 10_000


def public_agencies():
    """Agencies shown to the public: those not dissolved by a reorganisation."""
    return Agency.objects.active_on(timezone.localdate())


def public_documents():
    return Document.objects.public().select_related("publisher", "genre", "topic").order_by("-published_on", "-id")


def documents_of(agency: Agency, queryset=None):
    """The documents in an agency's column: those it published, and those it co-published (联合发文)."""
    queryset = public_documents() if queryset is None else queryset
    co_published = list(Document.co_publishers.through.objects.filter(agency_id=agency.pk)
                        .values_list("document_id", flat=True)[:MAX_CO_PUBLISHED + 1])
    if not co_published:
        # The common case: a plain publisher filter walks the (publisher, status, -published_on) index; an OR
        # with the co-published ids would make SQLite scan the whole table.
        return queryset.filter(publisher=agency)
    if len(co_published) > MAX_CO_PUBLISHED:
        co_published = Document.co_publishers.through.objects.filter(agency_id=agency.pk).values("document_id")
    return queryset.filter(Q(publisher=agency) | Q(pk__in=co_published))


def _linked(through_filter: dict, column: str):
    ids = list(Document.interprets.through.objects.filter(**through_filter).values_list(column, flat=True))
    return list(public_documents().filter(pk__in=ids)) if ids else []


def interpretations_of(document: Document) -> list:
    """Public 政策解读 of `document` (interpretations linked both ways, docs/law/web.md §1). Looked up through
    the link table first: a join from the big document list would scan it when there is no interpretation."""
    return _linked({"to_document_id": document.pk}, "from_document_id")


def interpreted_by(document: Document) -> list:
    """Public documents that the interpretation `document` explains."""
    return _linked({"from_document_id": document.pk}, "to_document_id")


def public_status(document: Document) -> int | None:
    """None when the public may see the document, else the HTTP status that answers for it."""
    if document.is_public:
        return None
    # Only what was once public is "gone" (410); a draft or an on-request item never existed publicly.
    if document.status == DocumentStatus.WITHDRAWN and document.disclosure_attribute == DisclosureAttribute.PROACTIVE:
        return 410
    return 404


def local_items_for(agency: Agency) -> list:
    """条例 第二十一条: 设区的市级、县级 governments and their departments, and 乡镇 governments."""
    if agency.level in (AgencyLevel.PREFECTURE, AgencyLevel.COUNTY):
        return list(COUNTY_LOCAL_ITEMS)
    if agency.level == AgencyLevel.TOWNSHIP:
        return list(TOWNSHIP_LOCAL_ITEMS)
    return []


def with_local_item(queryset, item: str):
    if connection.features.supports_json_field_contains:
        return queryset.filter(local_items__contains=[item])
    # SQLite has no JSON containment; the values are plain ASCII slugs stored as a JSON list of strings.
    return queryset.filter(local_items__icontains=f'"{item}"')


def year_range(queryset, year_from: int | None, year_to: int | None):
    # Date ranges, not __year, so that the (-published_on) indexes are used.
    if year_from:
        queryset = queryset.filter(published_on__gte=date(year_from, 1, 1))
    if year_to:
        queryset = queryset.filter(published_on__lt=date(year_to + 1, 1, 1))
    return queryset


@dataclass
class Filters:
    agency: Agency | None = None
    topic: Topic | None = None
    genre: Genre | None = None
    item: int | None = None
    local_item: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    validity: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.agency, self.topic, self.genre, self.item, self.local_item,
                                            self.year_from, self.year_to, self.validity))

    def apply(self, queryset):
        if self.agency is not None:
            queryset = documents_of(self.agency, queryset)
        if self.topic is not None:
            # A top-level theme includes its sub-themes. Their ids, not a join to the theme table: the join
            # keeps the planner off the (topic, …, published_on) index.
            queryset = queryset.filter(topic__in=Topic.with_subthemes(self.topic.pk))
        if self.genre is not None:
            queryset = queryset.filter(genre=self.genre)
        if self.item is not None:
            queryset = queryset.filter(statutory_item=self.item)
        if self.local_item is not None:
            queryset = with_local_item(queryset, self.local_item)
        if self.validity is not None:
            queryset = queryset.filter(validity=self.validity)
        return year_range(queryset, self.year_from, self.year_to)


def int_or_none(value: str) -> int | None:
    """A query parameter as a small whole number (at most six digits), or None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 6 else None


def parse_filters(params, *, allow=("agency", "topic", "genre", "item", "local_item", "year", "year_from",
                                    "year_to", "validity")) -> Filters:
    """Reads the public filters from a query string. Unknown values are reported in `errors` (Chinese) and
    ignored, never a server error."""
    f = Filters()
    this_year = timezone.localdate().year

    def get(name):
        return (params.get(name) or "").strip() if name in allow else ""

    if code := get("agency"):
        f.agency = public_agencies().filter(code=code).first()
        if f.agency is None:
            f.errors["agency"] = "没有这个机构。"
    if code := get("topic"):
        f.topic = Topic.objects.filter(code=code).first()
        if f.topic is None:
            f.errors["topic"] = "没有这个主题分类。"
    if code := get("genre"):
        f.genre = Genre.objects.filter(code=code).first()
        if f.genre is None:
            f.errors["genre"] = "没有这个体裁分类。"
    if raw := get("item"):
        item = int_or_none(raw)
        if item in StatutoryItem.values:
            f.item = item
        else:
            f.errors["item"] = "第二十条事项应为 1 至 15。"
    if raw := get("local_item"):
        if raw in LocalItem.values:
            f.local_item = raw
        else:
            f.errors["local_item"] = "没有这个第二十一条事项。"
    for name in ("year_from", "year_to", "year"):
        if raw := get(name):
            year = int_or_none(raw)
            if year is None or not MIN_YEAR <= year <= this_year + 1:
                f.errors[name] = f"年份应在 {MIN_YEAR} 至 {this_year + 1} 之间。"
                continue
            if name in ("year", "year_from"):
                f.year_from = year
            if name in ("year", "year_to"):
                f.year_to = year
    if f.year_from and f.year_to and f.year_from > f.year_to:
        f.errors["year_to"] = "结束年份不能早于起始年份。"
        f.year_to = None
    if raw := get("validity"):
        if raw in Validity.values:
            f.validity = raw
        else:
            f.errors["validity"] = "有效性取值无效。"
    return f


def cached_count(queryset, capped: bool = True) -> int:
    """The number of rows, counted at most once per COUNT_CACHE_SECONDS for each distinct list, and (when
    capped) only up to COUNT_CAP + 1 (SELECT COUNT(*) FROM (… LIMIT n)), so no page view counts a million rows."""
    cap = COUNT_CAP if capped else None
    key = f"portal:count:{cap}:" + hashlib.sha256(str(queryset.query).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = queryset.count() if cap is None else queryset.order_by()[:cap + 1].count()
        cache.set(key, value, COUNT_CACHE_SECONDS)
    return value


def page_rows(queryset, start: int, stop: int) -> list:
    """Rows start..stop of an ordered list, in two steps: the ids from the list's index alone (the filter and
    the order are index columns, so skipping to page 500 reads index entries, not rows and their joins), then
    those rows with their related agency, genre and theme."""
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    # By primary key alone: with the list's filters repeated, SQLite walks the list index again instead of
    # looking the ids up (23 ms instead of 2 ms at 100,000 documents).
    by_pk = queryset.model._base_manager.filter(pk__in=ids)
    by_pk.query.select_related = queryset.query.select_related
    by_pk.query.deferred_loading = queryset.query.deferred_loading
    rows = {row.pk: row for row in by_pk}
    return [rows[pk] for pk in ids if pk in rows]


def public_total() -> int:
    """The exact number of public documents, cached like every count. Computed as all documents minus the
    non-public ones: SQLite counts a whole table from its b-tree pages (1.4 ms at 1,000,000 documents) but
    steps through every entry of a filtered count (34 ms); the non-public rows are few, and each of the four
    ranges below is one range of the doc_public_list index (a NOT or a nested OR would walk all of it)."""
    value = cache.get("portal:public_total")
    if value is None:
        published, proactive = DocumentStatus.PUBLISHED, DisclosureAttribute.PROACTIVE
        non_public = Document.objects.filter(
            Q(status__lt=published) | Q(status__gt=published)
            | Q(status=published, disclosure_attribute__lt=proactive)
            | Q(status=published, disclosure_attribute__gt=proactive)).count()
        value = Document.objects.count() - non_public
        cache.set("portal:public_total", value, COUNT_CACHE_SECONDS)
    return value


class ListPage:
    """One page of a list. The rows are always read fresh (one row more than shown tells whether there is a
    next page); only 共 N 条 comes from the cached count, so it may lag a new publication by two minutes
    but never hides a row."""

    def __init__(self, queryset, number: int, per_page: int = PAGE_SIZE, exact_count: bool = False,
                 count: int | None = None):
        self.per_page = per_page
        self.count = cached_count(queryset, capped=not exact_count) if count is None else count
        number = max(1, min(number, MAX_PAGE))
        rows = page_rows(queryset, (number - 1) * per_page, number * per_page + 1)
        if not rows and number > 1:  # past the end: show the last page instead
            number = max(1, min(MAX_PAGE, -(-self.count // per_page)))
            rows = page_rows(queryset, (number - 1) * per_page, number * per_page + 1)
        self.number = number
        self.has_next = len(rows) > per_page and number < MAX_PAGE
        self.more_beyond_limit = len(rows) > per_page and number >= MAX_PAGE
        self.object_list = rows[:per_page]
        self.has_previous = number > 1
        # A stale cached count must not contradict the rows on screen.
        self.count = max(self.count, (number - 1) * per_page + len(self.object_list) + (1 if self.has_next else 0))
        self.count_capped = not exact_count and self.count > COUNT_CAP
        if self.count_capped:
            self.count = COUNT_CAP
        self.num_pages = min(MAX_PAGE, max(-(-self.count // per_page), number + (1 if self.has_next else 0), 1))

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next or self.more_beyond_limit

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)


def paginate(queryset, page_param, per_page=PAGE_SIZE, exact_count=False, count=None) -> ListPage:
    return ListPage(queryset, int_or_none(page_param) or 1, per_page, exact_count, count)


def year_choices():
    """Years offered in filters: from the oldest public document to now, without a full-table MIN() scan."""
    oldest = cache.get("portal:oldest_year")
    if oldest is None:
        first_day = (Document.objects.public().filter(published_on__isnull=False).order_by("published_on")
                     .values_list("published_on", flat=True).first())
        oldest = first_day.year if first_day else 0
        cache.set("portal:oldest_year", oldest, 3600)
    this_year = timezone.localdate().year
    first = oldest or this_year
    return list(range(this_year, first - 1, -1))
