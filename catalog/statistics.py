"""Figures the annual report takes from the catalogue: 表二 第二十条第（一）项 of the 国办公开办函〔2021〕30号
format (本年制发件数 / 本年废止件数 / 现行有效件数), computed from the lifecycle of 规章 and 行政规范性文件,
never typed in."""

from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from .models import Document, DocumentKind, LifecycleEvent, NormativeEvent

ROWS = {DocumentKind.RULE: "t2.rules", DocumentKind.NORMATIVE_DOCUMENT: "t2.normative_docs"}
ENDING_EVENTS = (LifecycleEvent.REPEALED, LifecycleEvent.EXPIRED)


def article_20_item_1(publisher_ids, year: int) -> dict[str, int]:
    """本年制发件数 / 本年废止件数 / 现行有效件数 for 规章 and 行政规范性文件 of the given publishers."""
    publisher_ids = list(publisher_ids)
    return article_20_item_1_for(Document.objects.filter(publisher_id__in=publisher_ids),
                                 NormativeEvent.objects.filter(document__publisher_id__in=publisher_ids), year)


def article_20_item_1_for(documents, events, year: int) -> dict[str, int]:
    """The same cells over `documents` (counted in 现行有效 at 31 December) and `events` (NormativeEvent
    records counted in 本年制发/本年废止); only 规章 and 行政规范性文件 count.

    - issued: 制发 events in the year, plus 修订 when GONGKAI_T2_ISSUED_INCLUDES_REVISIONS (上海市2022 counted
      amendments in 制发; INFERRED, configurable);
    - repealed: 废止 events in the year, plus 失效 when GONGKAI_T2_REPEALED_INCLUDES_EXPIRED. The format prints
      only the column label 本年废止件数 and no note on documents that lapse (失效) without being repealed, so
      the default counts 废止 alone, as the label says; a deployment whose superior counts both turns it on
      (then 上年现行有效 + 本年制发 − 本年废止 = 现行有效 when nothing else changes);
    - in_force: documents issued on or before 31 December and neither repealed nor expired by then."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    issued_events = [LifecycleEvent.ISSUED]
    if settings.GONGKAI_T2_ISSUED_INCLUDES_REVISIONS:
        issued_events.append(LifecycleEvent.REVISED)
    repealed_events = [LifecycleEvent.REPEALED]
    if getattr(settings, "GONGKAI_T2_REPEALED_INCLUDES_EXPIRED", False):
        repealed_events.append(LifecycleEvent.EXPIRED)
    in_year = Q(on__gte=start, on__lte=end)
    flows = (events.filter(document__kind__in=list(ROWS)).order_by()
             .values("document__kind")
             .annotate(issued=Count("id", filter=in_year & Q(event__in=issued_events)),
                       repealed=Count("id", filter=in_year & Q(event__in=repealed_events))))
    ended = NormativeEvent.objects.filter(document=OuterRef("pk"), event__in=ENDING_EVENTS, on__lte=end)
    started = NormativeEvent.objects.filter(document=OuterRef("pk"), event=LifecycleEvent.ISSUED, on__lte=end)
    stock = (documents.filter(kind__in=list(ROWS))
             .filter(Exists(started)).exclude(Exists(ended)).order_by()
             .values("kind").annotate(n=Count("id")))
    cells = {f"{prefix}.{column}": 0 for prefix in ROWS.values() for column in ("issued", "repealed", "in_force")}
    for row in flows:
        prefix = ROWS[row["document__kind"]]
        cells[f"{prefix}.issued"] = row["issued"]
        cells[f"{prefix}.repealed"] = row["repealed"]
    for row in stock:
        cells[f"{ROWS[row['kind']]}.in_force"] = row["n"]
    return cells
