"""表四 "四、政府信息公开行政复议、行政诉讼情况" (国办公开办函〔2021〕30号 and 〔2019〕60号 formats): 15 cells
`t4.<block>.<column>`, a direct count over the Appeal records of the respondent agencies.

Year rule (setting GONGKAI_REPORT_APPEAL_YEAR_RULE). The format prints 尚未审结 beside the results but its text
says nothing on the year in which a case decided after 31 December is counted; the platform follows the
reading where a report accounts for every case open during its year, so a case filed in Y and decided in
Y+1 is 尚未审结 in Y's table and shows its result in Y+1's:
- "filed_or_pending" (default): appeals filed in Y, and those filed earlier and still pending on 1 Jan Y,
  with their status at 31 Dec Y (a pending case is counted again each year until decided);
- "filed": only the appeals filed in Y, with their status at 31 Dec Y (a result reached after the year is
  never printed).
Status at 31 Dec Y: the result, when decided on or before that day; otherwise 尚未审结, even when the
record now shows a later decision. So total = 维持 + 纠正 + 其他 + 尚未审结 (T4-E01) for any data."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q

from report_formats import formats

from .models import Appeal, AppealKind, AppealResult

BLOCKS = [k.value for k in AppealKind]  # review, suit_direct, suit_after_review: the printed order
DECIDED = [AppealResult.UPHELD.value, AppealResult.CORRECTED.value, AppealResult.OTHER.value]
COLUMNS = [*DECIDED, "pending", "total"]
YEAR_RULES = ("filed_or_pending", "filed")
DEFAULT_YEAR_RULE = "filed_or_pending"
# Printed labels from the one definition of the format (report_formats).
BLOCK_LABELS = {block: "·".join(path) for block, path in formats.T4_BLOCKS}
COLUMN_LABELS = dict(formats.T4_RESULTS)


def year_rule() -> str:
    rule = getattr(settings, "GONGKAI_REPORT_APPEAL_YEAR_RULE", DEFAULT_YEAR_RULE)
    if rule not in YEAR_RULES:
        raise ImproperlyConfigured(f"GONGKAI_REPORT_APPEAL_YEAR_RULE：未知的取值“{rule}”，可选：{'、'.join(YEAR_RULES)}。")
    return rule


def table_four(agency_ids, year: int) -> dict[str, int]:
    """The 15 cells of 表四 for appeals against the given agencies, with ONE aggregate query grouped by kind."""
    return table_four_for(Appeal.objects.filter(agency_id__in=list(agency_ids)), year)


def legacy_appeal_counters(agency_ids, year: int) -> dict[str, int]:
    """The 2014–2018 统计表 行政复议/行政诉讼 rows (lg.review.*, lg.suit.*), from 表四's counts; the request rows
    are disclosure_requests.statistics.legacy_request_counters."""
    return legacy_appeal_counters_for(Appeal.objects.filter(agency_id__in=list(agency_ids)), year)


def legacy_appeal_counters_for(appeals, year: int) -> dict[str, int]:
    """The legacy table has no 尚未审结 row, so cases pending on 31 Dec count as 其他情形 (INFERRED), keeping
    LG-E05/E06. 诉讼 adds both 表四 suit blocks."""
    t4 = table_four_for(appeals, year)
    cells = {}
    for legacy, blocks_of in {"review": ["review"], "suit": ["suit_direct", "suit_after_review"]}.items():
        cells[f"lg.{legacy}.total"] = sum(t4[f"t4.{b}.total"] for b in blocks_of)
        for column in ("upheld", "corrected"):
            cells[f"lg.{legacy}.{column}"] = sum(t4[f"t4.{b}.{column}"] for b in blocks_of)
        cells[f"lg.{legacy}.other"] = sum(t4[f"t4.{b}.other"] + t4[f"t4.{b}.pending"] for b in blocks_of)
    return cells


def table_four_for(appeals, year: int) -> dict[str, int]:
    """表四 over `appeals`, a queryset of Appeal records: the year rule picks the ones counted in `year`."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if year_rule() == "filed":
        scope = Q(filed_on__gte=start, filed_on__lte=end)
    else:
        scope = Q(filed_on__lte=end) & (Q(decided_on__isnull=True) | Q(decided_on__gte=start))
    counts = {result: Count("pk", filter=Q(result=result, decided_on__lte=end)) for result in DECIDED}
    groups = (appeals.filter(scope).order_by()
              .values("kind").annotate(all=Count("pk"), **counts))
    cells = {f"t4.{block}.{column}": 0 for block in BLOCKS for column in COLUMNS}
    for g in groups:
        if g["kind"] not in BLOCKS:
            raise ValueError(f"复议诉讼类型“{g['kind']}”不是表四的栏目，无法统计。")
        block = g["kind"]
        for result in DECIDED:
            cells[f"t4.{block}.{result}"] = g[result]
        # Everything not decided by 31 Dec, whatever the record says now, is 尚未审结 at the year end.
        cells[f"t4.{block}.pending"] = g["all"] - sum(g[result] for result in DECIDED)
        cells[f"t4.{block}.total"] = g["all"]
    return cells
