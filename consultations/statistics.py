"""The legacy table's 二、回应解读情况 (docs/law/annual-report.md §5; rows 12–20, cells lg.response.*) computed
from the records, for the years before 2019 (and as a working figure afterwards).

Row 12 counts a hot topic once whatever the number of channels (“不同方式回应同一热点或舆情计1次”);
rows 19–20 count events by channel; row 18 counts published 解读 documents of the catalog."""

from catalog.models import Document, DocumentStatus
from report_formats.formats import LG_ROWS_RAW

from .models import OnlineInterview, PressConference, PublicConcernResponse, ResponseChannel


def legacy_response_cells(agencies, year: int) -> dict[str, int]:
    """`agencies`: a queryset (or list) of Agency whose records count (e.g. a government and its subtree)."""
    concerns = list(PublicConcernResponse.objects.filter(agency__in=agencies, occurred_at__year=year)
                    .values_list("channels", flat=True))
    press = PressConference.objects.filter(agency__in=agencies, held_on__year=year)
    interviews = OnlineInterview.objects.filter(agency__in=agencies, held_on__year=year)
    other_channels = {ResponseChannel.OTHER, ResponseChannel.WEBSITE, ResponseChannel.MEDIA}
    return {
        "lg.response.hot_topics": len(concerns),
        "lg.response.press_conferences": press.count(),
        "lg.response.press_conferences_by_head": press.filter(head_attended=True).count(),
        "lg.response.online_interviews": interviews.count(),
        "lg.response.online_interviews_by_head": interviews.filter(head_attended=True).count(),
        "lg.response.interpretations": Document.objects.interpretations().filter(
            publisher__in=agencies, status=DocumentStatus.PUBLISHED, published_on__year=year).count(),
        "lg.response.weibo_wechat_events": sum(ResponseChannel.WEIBO_WECHAT in (c or []) for c in concerns),
        "lg.response.other_events": sum(bool(other_channels & set(c or [])) for c in concerns),
    }


# (cell id, verbatim label, unit) of rows 12–20, read from the one definition of the format.
LEGACY_ROWS = [(cell_id, label, unit) for cell_id, label, unit in LG_ROWS_RAW
               if cell_id and cell_id.startswith("lg.response.")]
