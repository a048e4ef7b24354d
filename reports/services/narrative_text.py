"""报告正文 as stored: the draft reports.narrative writes, saving staff edits (normalised, bounded) and redrafting
sections."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record
from orgs.scoping import Capability

from ..models import (
    AnnualReport,
    ReportStatus,
)
from ..narrative import draft
from ..rendering.document import section_titles
from .figures import require_capability


def narrative_of(report: AnnualReport) -> dict[str, str]:
    """The report's prose; sections never written yet come from the draft (reports.narrative)."""
    saved = {k: v for k, v in (report.narrative or {}).items() if (v or "").strip()}
    if len(saved) == len(section_titles(report.report_format)):
        return saved
    return {**draft(report), **saved}


NARRATIVE_MAX_CHARS = 20_000  # per section
_CONTROL = {c: None for c in range(32) if chr(c) not in "\n\t"} | {127: None}


def _section_keys(report: AnnualReport, keys) -> list[str]:
    """`keys` in printed order; an error names keys the report's format has no section for."""
    titles = section_titles(report.report_format)
    unknown = [str(k) for k in keys if k not in titles]
    if unknown:
        raise ValidationError(f"报告正文没有这些章节：{'、'.join(unknown)}；章节为{'、'.join(titles.values())}。")
    return [s for s in titles if s in keys]


@transaction.atomic
def save_narrative(report: AnnualReport, sections: dict, user, *, note: str = "") -> AnnualReport:
    """Store the prose of the given sections (section key → text; paragraphs separated by newlines), the
    others keep theirs. Drafts only. An empty section prints the platform's draft (narrative_of)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    require_capability(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，只有草稿可以修改正文；"
                              "已发布的报告请通过“更正”生成新版本。")
    if not isinstance(sections, dict):
        raise ValidationError("报告正文格式不正确。")
    keys = _section_keys(report, sections)
    titles = section_titles(report.report_format)
    texts, errors = {}, {}
    for key in keys:
        text = sections[key]
        if text is not None and not isinstance(text, str):
            errors[key] = f"{titles[key]}：正文须是文字。"
            continue
        # Browsers send CRLF; control characters (other than newline and tab) cannot be printed.
        text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n")
                         .translate(_CONTROL).split("\n")).strip("\n")
        if len(text) > NARRATIVE_MAX_CHARS:
            errors[key] = f"{titles[key]}：最多{NARRATIVE_MAX_CHARS}字（现为{len(text)}字）。"
        texts[key] = text
    if errors:
        raise ValidationError(errors)
    current = dict(report.narrative or {})
    changed = {k: t for k, t in texts.items() if current.get(k, "") != t}
    if not changed:
        return report
    report.narrative = {**current, **changed}
    report.save(update_fields=["narrative", "updated_at"])
    record("reports.report.narrative", report, agency=report.agency, note=note,
           before={k: current.get(k, "") for k in changed}, after=changed)
    return report


@transaction.atomic
def redraft_narrative(report: AnnualReport, user, keys=None) -> AnnualReport:
    """Replace the chosen sections (all when `keys` is None) with the draft from the current data."""
    require_capability(user, Capability.REPORTS_COMPILE, report.agency)
    keys = _section_keys(report, list(section_titles(report.report_format)) if keys is None else list(keys))
    drafted = draft(report)
    return save_narrative(report, {k: drafted[k] for k in keys}, user, note="按最新数据重新生成草稿")
