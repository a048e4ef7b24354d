"""Inputs as people have them (issue 17 §5): `|`-separated and box-drawing text tables, web pages saved with
their CSS and scripts, DOCX with the report nested in a layout table, a DOCX written the way WPS writes it, and
the file's real type decided by its content (an executable or an archive is refused with a Chinese reason)."""

from __future__ import annotations

import io
import re
import zipfile

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from report_checkup.importers import import_document
from report_checkup.importers.decode import refusal, sniff
from report_checkup.importers.text_tables import split_row

from . import test_importers_fixtures as X

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _ok(report: dict) -> None:
    assert (report["agency"], report["year"], report["format"]) == (X.AGENCY, X.YEAR, "2021")
    assert report["cells"] == X.expected_cells()
    assert report["unreadable"] == []


# --- | and box-drawing tables -------------------------------------------------------------------------------

def _barred(left: str, sep: str, right: str, rule: str | None) -> str:
    """The TSV copy with its tab rows written with bars; a rule row after each table's first row."""
    out, in_table = [], False
    for line in X.as_tsv().split("\n"):
        if "\t" not in line:
            out.append(line)
            in_table = False
            continue
        cells = line.split("\t")
        out.append(left + sep.join(cells) + right)
        if rule is not None and not in_table:
            out.append(left + rule.join(["---"] * len(cells)) + right if rule == "|" else "├" + rule * len(cells) + "┤")
        in_table = True
    return "\n".join(out)


def test_markdown_pipe_tables_with_rule_rows():
    _ok(import_document(_barred("| ", " | ", " |", "|").encode("utf-8"), "md.txt"))


def test_pipe_tables_without_outer_bars():
    _ok(import_document(_barred("", " | ", "", None).encode("utf-8"), "bare.txt"))


def test_box_drawing_tables_from_web_to_text_tools():
    _ok(import_document(_barred("│", "│", "│", "─┼").encode("utf-8"), "box.txt"))


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="|│┃║¦\n\r", blacklist_categories=("Cs",)),
                        max_size=12), min_size=2, max_size=9),
       st.sampled_from([("|", "|", "|"), ("", " | ", ""), ("│", "│", "│"), ("| ", "|", "")]))
def test_split_row_gives_back_the_cells(cells, bars):
    left, sep, right = bars
    line = left + sep.join(cells) + right
    got = split_row(line)
    stripped = [c.strip() for c in cells]
    if left or right or len(cells) >= 3:
        if got == []:  # the cells themselves look like a rule ("---")
            assert all(re.fullmatch(r"[\s+:\-=─━═]*", c) for c in cells)
        else:
            assert got == stripped or (not left and not stripped[0] and got == stripped[1:]) \
                or (not right and not stripped[-1] and got == stripped[:-1]) \
                or (not left and not right and got == stripped[1:-1]) or got is None


def test_a_single_bar_in_prose_is_not_a_table():
    assert split_row("咨询电话：0000-1234567 | 网址见下") is None
    assert split_row("|---|:---:|---|") == [] and split_row("├──┼──┤") == [] and split_row("+----+----+") == []


# --- web pages saved with their CSS and scripts -------------------------------------------------------------

def test_saved_web_page_with_styles_and_scripts():
    noise = ("<style>td{border:1px solid}/* 一、本年新收政府信息公开申请数量 99 */ .x:after{content:'（七）总计 5'}</style>"
             "<script>var t='<table><tr><td>（一）予以公开</td><td>999</td></tr></table>';document.write(t);"
             "if (a < 3 && b > 1) {}</script><noscript>请开启脚本</noscript><!-- （二）部分公开 7 -->")
    page = X.as_html().replace("</title>", "</title>" + noise).replace("<body>", "<body><script>x<1</script>")
    _ok(import_document(page.encode("utf-8"), "saved.html"))


# --- DOCX: nested tables and WPS ----------------------------------------------------------------------------

def _edit_docx(data: bytes, edit, extra: dict[str, bytes] | None = None, post=lambda xml: xml) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                edit(root)
                content = post(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def test_docx_with_the_whole_report_inside_a_layout_table():
    """Some templates lay the report out in one big table cell; the statistical tables are nested in it."""
    def nest(root):
        body = root.find(_w("body"))
        content = [c for c in body if c.tag != _w("sectPr")]
        tbl = etree.SubElement(body, _w("tbl"))
        tr = etree.SubElement(tbl, _w("tr"))
        tc = etree.SubElement(tr, _w("tc"))
        for child in content:
            tc.append(child)  # moves it
        etree.SubElement(tc, _w("p"))
        body.remove(tbl)
        body.insert(0, tbl)

    data = _edit_docx(X.as_docx(), nest)
    _ok(import_document(data, "nested.docx"))


def test_docx_as_wps_writes_it():
    """A python-docx file edited the way WPS-saved files differ (not a file saved by WPS itself): a short
    w:tblGrid (one w:gridCol however many columns), vMerge written w:val="continue", the wpsCustomData
    namespace declared, KSOProductBuildVer in docProps/custom.xml. The grid comes from the rows, not the
    w:tblGrid."""
    def wps(root):
        for grid in root.iter(_w("tblGrid")):
            for col in list(grid)[1:]:
                grid.remove(col)
        for merge in root.iter(_w("vMerge")):
            if merge.get(_w("val")) is None:
                merge.set(_w("val"), "continue")

    data = _edit_docx(X.as_docx(), wps, {"docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org'
        b'/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        b'<vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property></Properties>')},
        post=lambda xml: xml.replace(b"<w:document ", b'<w:document xmlns:wpsCustomData='
                                                      b'"http://www.wps.cn/officeDocument/2013/wpsCustomData" ', 1))
    assert b"wpsCustomData" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    _ok(import_document(data, "wps.docx"))


# --- the real type by content -------------------------------------------------------------------------------

def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in names.items():
            z.writestr(name, content)
    return out.getvalue()


def test_an_executable_named_pdf_is_refused_with_a_reason():
    for data in (b"MZ\x90\x00\x03" + bytes(200), b"\x7fELF\x02\x01\x01" + bytes(200)):
        report = import_document(data, "report.pdf")
        [finding] = report["findings"]
        assert finding["code"] == "IMP-E02" and finding["message"].startswith("这是可执行程序")
        assert report["cells"] == {} and report["format"] == "prose"


def test_archives_and_ofd_are_refused_and_ooxml_is_read():
    plain_zip = _zip({"报告.pdf": b"%PDF-1.4"})
    assert sniff(plain_zip) == "binary" and refusal(plain_zip).startswith("这是压缩包")
    assert import_document(plain_zip, "report.docx")["findings"][0]["message"].startswith("这是压缩包")
    ofd = _zip({"OFD.xml": b"<ofd:OFD/>"})
    assert "OFD 版式文件" in import_document(ofd, "report.ofd")["findings"][0]["message"]
    assert import_document(b"\x1f\x8b\x08" + bytes(100), "r.txt")["findings"][0]["message"].startswith("这是压缩包")
    assert sniff(X.as_docx()) == "docx" and refusal(X.as_docx()) == ""
    assert sniff(X.as_tsv().encode("gb18030")) == "text" and sniff(X.as_html().encode()) == "html"
