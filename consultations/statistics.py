"""The legacy table's 二、回应解读情况 (docs/law/annual-report.md §5; rows 12–20, cells lg.response.*) computed
from the records, for the years before 2019 (and as a working figure afterwards).

Row 12 counts a hot topic once whatever the number of channels (“不同方式回应同一热点或舆情计1次”);
rows 19–20 count events by channel; row 18 counts published 解读 documents of the catalog."""

from catalog.models import Document, DocumentStatus

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


LEGACY_ROWS = [
    ("lg.response.hot_topics", "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次"),
    ("lg.response.press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("lg.response.press_conferences_by_head", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("lg.response.online_interviews", "2.政府网站在线访谈次数", "次"),
    ("lg.response.online_interviews_by_head", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("lg.response.interpretations", "3.政策解读稿件发布数", "篇"),
    ("lg.response.weibo_wechat_events", "4.微博微信回应事件数", "次"),
    ("lg.response.other_events", "5.其他方式回应事件数", "次"),
]
