"""`gongkai check --database default` (and `migrate`, which runs the database checks) warns when the full-text
index is missing, building, or holds another number of documents than the catalogue."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from .services import index_status


@register(Tags.database)
def index_check(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    try:
        status = index_status()
    except DatabaseError:  # the catalogue's tables do not exist yet: migrate will make them
        return []
    if status.state in ("ok", "unknown"):
        return []
    hint = ("重建任务会在后台任务进程（gongkai worker）中执行，进度见 gongkai search-index status；"
            if status.state == "building" else
            "运行 gongkai search-index rebuild（或 --background 交给后台任务进程），完成后用 gongkai search-index verify 核对。")
    return [Warning(status.message, hint=hint, id="search.W001")]
