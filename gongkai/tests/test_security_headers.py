"""Content-Security-Policy (issue 16 §7, docs/security.md): every page carries it, no script runs inline, and no
template brings an inline script, an event-handler attribute or (outside the PDF/export-only templates) an
inline style sheet."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
# Rendered to PDF or into a downloaded HTML file only, never served as a page: CSP does not apply to them.
STYLE_ELEMENT_ALLOWED = ("monitoring/templates/monitoring/report_pdf.html", "reports/templates/reports/print/report.html",
                         # the 更正申请 告知书: an HTML page for WeasyPrint only, never served to a browser
                         "rectifications/templates/rectifications/notice.html",
                         # 年报体检 results: its rules are also in gongkai.css, so the page looks the same while the
                         # browser ignores this element; to be removed by the app's owners.
                         "templates/report_checkup/batch.html")
# Computed column widths of the annual report's tables (style-src-attr 'unsafe-inline'), and the PDF-only one.
STYLE_ATTRIBUTE_ALLOWED = ("reports/templates/reports/print/_grid.html",
                           "monitoring/templates/monitoring/report_pdf.html")


def _templates():
    for path in ROOT.rglob("templates/**/*.html"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "var", "node_modules") or "site-packages" in parts:
            continue
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["portal:home", "workbench:login"])
def test_pages_carry_a_strict_policy(client, url_name):
    response = client.get(reverse(url_name))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    problems = []
    for name, text in _templates():
        for match in re.finditer(r"<script\b([^>]*)>", text, re.IGNORECASE):
            # An import map runs no code; it is allowed with the response's CSP nonce (the document form's editor).
            if "src=" not in match[1] and not ('type="importmap"' in match[1] and "request.csp_nonce" in match[1]):
                problems.append(f"{name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text, re.IGNORECASE):
            problems.append(f"{name}: event-handler attribute")
        if re.search(r"javascript:", text, re.IGNORECASE):
            problems.append(f"{name}: javascript: URL")
    assert problems == []


def test_styles_come_from_style_sheets():
    problems = []
    for name, text in _templates():
        if re.search(r"<style\b", text, re.IGNORECASE) and not name.endswith(STYLE_ELEMENT_ALLOWED):
            problems.append(f"{name}: <style> element (move it to a static style sheet)")
        if re.search(r"\sstyle\s*=", text, re.IGNORECASE) and not name.endswith(STYLE_ATTRIBUTE_ALLOWED):
            problems.append(f"{name}: style attribute (use a class in gongkai.css)")
    assert problems == []


def test_the_templates_are_found():
    assert sum(1 for _ in _templates()) > 50


@pytest.mark.django_db
def test_hsts_is_sent_over_https_once_switched_on(settings):
    """GONGKAI_HSTS_SECONDS (gongkai/settings.py) → SECURE_HSTS_SECONDS: off by default, on when set. (Django's
    SecurityMiddleware reads the settings when it is built: a new client for each.)"""
    from django.test import Client

    assert Client().get(reverse("portal:home"), secure=True).get("Strict-Transport-Security") is None
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("portal:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
