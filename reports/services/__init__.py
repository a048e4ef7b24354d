"""The one place where annual reports and entered figures change (every change audited through
audit.services.record), split by concern:

    compute         which cells the platform counts, and counting them for a set of units (attribution)
    figures         entered figures: form, XLSX template and upload, submission and approval
    drafts          creating a report and (re)computing its cells; reading cells, last year, units' status
    checking        the validator on a report (tables, prose, units' status)
    workflow        submit, return, approve, publish (第四十九条 guards, gaps), correct
    exports         the JSON contract, the trend history, the data fixed at publication, the printed document
    narrative_text  报告正文 as stored: the draft, saving and redrafting sections
    backfill        历史数据补录: reports of years before the platform held the data, entered as printed
    builds          files of reports over large trees, built by the worker and kept in the default storage

Every module imports what it needs at module level; the graph has no cycle: narrative (the drafted prose and
the prose check) sits above compute/figures/drafts and below checking/narrative_text.

`services.publish(...)` keeps working for callers (views, the command, the demo, the portal, 年报体检, tests):
the package looks each name up in its module on first use. It does not import its modules eagerly because
reports.narrative imports reports.services.drafts: an eager package would import checking → narrative while
narrative is still being imported (a cycle). New code may import the concern module directly."""

import importlib

_MODULE_OF = {
    **dict.fromkeys(('article_20_item_1', 'table_four', 'table_three', 'Attribution', 'attribution', 'CHANNEL_CELLS', 'channel_counts', 'compute_cells', 'computed_cell_ids', 'entered_cell_ids', 'FIRST_YEAR', 'source_of', 'SOURCES'), "compute"),
    **dict.fromkeys(('approve_figures', 'enter_figures', 'figures_for', 'figures_template', 'FiguresImportResult', 'import_figures_xlsx', 'parse_entered', 'plain_number', 'reopen_figures', 'require_capability', 'submit_figures'), "figures"),
    **dict.fromkeys(('cell_values', 'create_draft', 'latest_report', 'previous_report', 'recompute', 'unit_status', 'units_by_kind'), "drafts"),
    **dict.fromkeys(('check', 'finding_dict'), "checking"),
    **dict.fromkeys(('approve', 'correct', 'drafters', 'earliest_publication', 'PUBLICATION_BASIS', 'publication_gaps', 'PublicationGaps', 'publish', 'return_to_draft', 'submit'), "workflow"),
    **dict.fromkeys(('document_for', 'export_json', 'history', 'print_data'), "exports"),
    **dict.fromkeys(('NARRATIVE_MAX_CHARS', 'narrative_of', 'redraft_narrative', 'save_narrative'), "narrative_text"),
    **dict.fromkeys(('cell_name', 'create_entered_report', 'enter_report_cells', 'ENTERED_HISTORY_SOURCE', 'FIRST_ENTERED_YEAR', 'NOT_PRINTED', 'parse_printed_cells'), "backfill"),
}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_MODULE_OF])
