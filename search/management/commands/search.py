"""`gongkai search "扶贫"`: the portal's search from the command line (search.services.search)."""

import json

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Agency
from search.services import MAX_LIMIT, SearchQuery, search


class Command(BaseCommand):
    help = "在公开的政府信息中全文检索（与门户网站的检索相同），输出命中总数和排在前面的结果。"

    def add_arguments(self, parser):
        parser.add_argument("text", help="检索词；空格分隔的多个词须同时出现，引号内为完整短语。")
        parser.add_argument("--agency", metavar="CODE", help="只在该机构（含下级机构）发布的信息中检索（机构编码）。")
        parser.add_argument("--limit", type=int, default=20, help=f"显示的结果数（默认 20，最多 {MAX_LIMIT}）。")
        parser.add_argument("--order", choices=["relevance", "date"], default="relevance",
                            help="排序：relevance（相关度，默认）或 date（发布日期）。")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出。")

    def handle(self, *args, **options):
        agency_path = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"没有机构编码为“{options['agency']}”的机构。")
            agency_path = agency.path
        if not 1 <= options["limit"] <= MAX_LIMIT:
            raise CommandError(f"--limit 须在 1 到 {MAX_LIMIT} 之间。")
        result = search(SearchQuery(text=options["text"], agency_path=agency_path, limit=options["limit"],
                                    order=options["order"]))
        if options["json"]:
            payload = {"total": result.total, "results": [
                {"index_number": hit.index_number, "title": hit.title,
                 "published_on": hit.published_on.isoformat() if hit.published_on else None,
                 "score": round(hit.score, 4)} for hit in result.hits]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"共 {result.total} 条结果（用时 {result.took_ms:.1f} 毫秒）")
        for number, hit in enumerate(result.hits, start=1):
            published = hit.published_on.isoformat() if hit.published_on else "—"
            self.stdout.write(f"{number:>3}. {hit.title}  [{hit.index_number}]  {published}  相关度 {hit.score:.2f}")
