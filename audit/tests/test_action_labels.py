"""Every audit action code the code base writes has a Chinese label (audit.actions), and the audit pages show
the label with the code only in a tooltip (issue 19: no raw codes where a person reads)."""

import ast
from pathlib import Path

from audit.actions import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", "migrations", "tests", "bench"}
# Helpers that write record(f"<prefix>{action}") for the action they are given: (module, helper) → prefix.
PREFIXED = {("disclosure_requests/services.py", "_save"): "requests.", ("disclosure_requests/services.py", "_close"): "requests.",
            ("mailboxes/services.py", "_save"): "letters.", ("catalog/services.py", "_transition"): "catalog.document."}


def _modules():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if not SKIP.intersection(rel.parts):
            yield rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def written_codes() -> set[str]:
    codes = set()
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "action")]
            literals = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            prefix = PREFIXED.get((rel, name))
            if prefix:
                codes.update(prefix + v for v in literals if v and "." not in v.split(" ")[0] and v.replace(".", "").replace("_", "").isalpha()
                             and v == v.lower() and len(v) < 40)
                if name == "_close":
                    codes.add("requests.close")
            elif name in ("record", "_transition", "_figures_transition"):
                codes.update(v for v in literals if "." in v and v.replace(".", "").replace("_", "").isalpha()
                             and v == v.lower() and not v.startswith("test."))
    return codes


def test_every_written_action_code_has_a_label():
    codes = written_codes()
    assert {"catalog.document.create", "catalog.document.publish", "requests.reply", "letters.screen",
            "reports.report.submit", "reports.figures.approve"} <= codes  # the walk finds the helpers' codes
    missing = sorted(codes - set(ACTION_LABELS))
    assert not missing, f"audit action codes without a label in audit/actions.py: {missing}"


def test_label_or_a_plain_fallback():
    assert action_label("catalog.document.create") == "新建文件"
    assert action_label("someapp.unknown.code") == "其他操作"


def test_the_audit_pages_show_labels_and_names(region, make_staff, client):
    import re

    from django.urls import reverse

    from audit.models import AuditEntry
    from orgs.services import update_agency

    head = make_staff("gkb-head", ("office_head", region["county"]), first_name="建国", last_name="王")
    from audit.context import acting_as

    with acting_as(user=head):
        update_agency(region["edu"], phone="0953-6012345")
    entry = AuditEntry.objects.filter(action="orgs.agency.update").latest("seq")
    client.force_login(head)
    for url in (reverse("audit:index"), reverse("audit:detail", kwargs={"pk": entry.pk})):
        page = client.get(url).content.decode()
        visible = re.sub(r'<[^>]+>', " ", page)  # the text a person reads (attributes such as title dropped)
        assert "修改机构信息" in visible and "王建国" in visible
        assert "orgs.agency.update" not in visible
