"""Every PDF the platform writes is a tagged PDF (gongkai.pdf): structure tree, marked content, language —
what a screen reader needs to read a reply letter or an annual report (issue 19, accessibility)."""

import io

import pytest
from pypdf import PdfReader

from gongkai.pdf import html_to_pdf

HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>告知书</title></head><body>
<h1>政府信息公开申请答复书</h1><p>申请人：</p><table><tr><th>项目</th><th>件数</th></tr><tr><td>予以公开</td><td>3</td></tr></table>
</body></html>"""


def _catalog(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def test_pdfs_are_tagged_with_structure_and_language():
    pytest.importorskip("weasyprint")
    root = _catalog(html_to_pdf(HTML))
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("zh")
    kinds = set()

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/P", "/Table", "/TR", "/TH", "/TD"} <= kinds
