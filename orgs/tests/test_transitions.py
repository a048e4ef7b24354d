"""Every workbench action says what happened (issue 19): no TransitionView reachable from a URL falls back to a
generic "操作已完成"."""

from django.urls import URLPattern, URLResolver, get_resolver

from orgs.transitions import TransitionView


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                yield view_class


def _actions():
    for view_class in _views(get_resolver().url_patterns):
        if not issubclass(view_class, TransitionView):
            continue
        if view_class.actions is not None:
            yield from view_class.actions.values()
        else:
            yield view_class


def test_every_routed_action_has_its_own_message():
    actions = set(_actions())
    assert len(actions) > 20  # the catalog's, the reports', the letters', the consultations' buttons …
    silent = sorted(view.__qualname__ + " in " + view.__module__ for view in actions
                    if not view.success_message and view.get_success_message is TransitionView.get_success_message)
    assert not silent, f"actions without a message saying what happened: {silent}"


def test_holder_names_name_who_acts_next(region, make_staff):
    from orgs.scoping import Capability, holder_names

    head = make_staff("head", ("office_head", region["county"]), first_name="建国", last_name="王")
    make_staff("staff", ("office_staff", region["county"]), first_name="丽", last_name="李")
    make_staff("edu-reviewer", ("reviewer", region["edu"]), first_name="敏", last_name="张")
    make_staff("other-head", ("office_head", region["other"]), first_name="强", last_name="赵")
    # 审核 of a 教育局 report: the county's 公开办负责人 (subtree), not the staff, not the neighbouring county.
    assert holder_names(Capability.REPORTS_APPROVE, region["edu"]) == head.display_name
    assert holder_names(Capability.REPORTS_APPROVE, region["edu"], exclude=head) == ""
    # 保密审查 of a 教育局 document: its own reviewer and the 公开办负责人 over it.
    assert set(holder_names(Capability.CATALOG_REVIEW, region["edu"]).split("、")) == {"张敏", "王建国"}
