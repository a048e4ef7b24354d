"""Upload limits (issue 16): wall time and peak memory of reading crafted uploads, before (the libraries
called directly, as the readers did before gongkai.file_reading: openpyxl / python-docx on the whole file
once its declared size passed a 300 MB cap) and after (the project's readers).

Each measurement runs in a fresh forked process; memory is the growth of its peak resident set
(ru_maxrss), which also counts lxml's and zlib's C allocations that tracemalloc cannot see.

    GONGKAI_DEMO=1 .venv/bin/python bench/upload_limits.py [--xml-mb 40]
"""

import argparse
import io
import multiprocessing
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")


def _replace(template: bytes, name: str, body) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            if item.filename != name:
                copy.writestr(item.filename, source.read(item))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with copy.open(info, "w", force_zip64=True) as part:
            for chunk in body:
                part.write(chunk)
    return out.getvalue()


def _bomb(template: bytes, part: str, head: bytes, unit: bytes, tail: bytes, xml_mb: int) -> bytes:
    """`template` with `part` replaced by `head`, `xml_mb` MB of `unit`, `tail`, streamed into the archive."""
    count = xml_mb * 1024 * 1024 // len(unit)

    def body():
        yield head
        for _ in range(count // 10_000):
            yield unit * 10_000
        yield tail
    return _replace(template, part, body())


def xlsx_bomb(xml_mb: int) -> bytes:
    """A valid workbook whose sheet is `xml_mb` MB of rows (compresses ~300×, under the old 300 MB cap)."""
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return _bomb(out.getvalue(), "xl/worksheets/sheet1.xml",
                 b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                 b'spreadsheetml/2006/main"><sheetData>',
                 b'<row><c t="inlineStr"><is><t>0</t></is></c></row>', b"</sheetData></worksheet>", xml_mb)


def docx_bomb(xml_mb: int) -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return _bomb(out.getvalue(), "word/document.xml",
                 b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                 b'wordprocessingml/2006/main"><w:body>',
                 b"<w:p><w:r><w:t>0</w:t></w:r></w:p>", b"</w:body></w:document>", xml_mb)


# ------------------------------------------------------------------------------------------------ readers


def before_xlsx(data):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    return "read"


def before_docx(data):
    import docx

    document = docx.Document(io.BytesIO(data))
    return f"read ({len(document.paragraphs):,} paragraphs)"


def _refusal(call):
    try:
        result = call()
    except Exception as error:  # noqa: BLE001 - the refusal is the result
        return f"refused: {getattr(error, 'messages', [str(error)])[0]}"
    return result


def after_letter(data, name):
    import django

    django.setup()
    from catalog.attachments import inspect_attachment

    return _refusal(lambda: inspect_attachment(name, data, extract_text=False) and "accepted")


def after_catalogue(data, name):
    import django

    django.setup()
    from catalog.attachments import inspect_attachment

    return _refusal(lambda: inspect_attachment(name, data) and "accepted")


def after_checkup(data, name):
    import django

    django.setup()
    from report_checkup.checkup import check_file

    result = check_file(data, name)
    errors = [f["message"] for f in result["findings"] if f["code"].startswith("IMP-E")]
    return f"refused: {errors[0]}" if errors else "read"


def after_table(data, name):
    import django

    django.setup()
    from gongkai.tables import TableFileError, read_table

    try:
        read_table(data, max_bytes=50 * 1024 * 1024, max_rows=20_000)
    except TableFileError as error:
        return f"refused: {error.message}"
    return "read"


def _child(queue, function, args):
    import django

    django.setup()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = function(*args)
    seconds = time.perf_counter() - started
    queue.put((seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024, str(outcome)[:70]))


def measure(function, *args, limit=300):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, function, args))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        return limit, float("nan"), f"killed after {limit} s"
    return queue.get()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--xml-mb", type=int, default=40)
    options = parser.parse_args()
    from gongkai.tests import bombs

    xlsx, docx = xlsx_bomb(options.xml_mb), docx_bomb(options.xml_mb)
    cases = [
        (f"XLSX, {options.xml_mb} MB of rows ({len(xlsx) / 1024:.0f} KB)", xlsx, "x.xlsx", [
            ("before: openpyxl on the whole file", before_xlsx, (xlsx,)),
            ("after: 领导信箱 attachment", after_letter, (xlsx, "x.xlsx")),
            ("after: catalogue attachment", after_catalogue, (xlsx, "x.xlsx")),
            ("after: agency / catalogue import", after_table, (xlsx, "x.xlsx"))]),
        (f"DOCX, {options.xml_mb} MB of paragraphs ({len(docx) / 1024:.0f} KB)", docx, "x.docx", [
            ("before: python-docx on the whole file", before_docx, (docx,)),
            ("after: 领导信箱 attachment", after_letter, (docx, "x.docx")),
            ("after: catalogue attachment", after_catalogue, (docx, "x.docx")),
            ("after: 年报体检", after_checkup, (docx, "x.docx"))]),
        (f"DOCX, one entry of {bombs.LIMITS.max_total // 1024 // 1024 + 1} MB zeros "
         f"({len(bombs.one_entry('docx')) / 1024:.0f} KB)", None, "", [
            ("after: 年报体检", after_checkup, (bombs.one_entry("docx"), "x.docx")),
            ("after: catalogue attachment", after_catalogue, (bombs.one_entry("docx"), "x.docx"))]),
        (f"XLSX, {bombs.LIMITS.max_entries + 1:,} entries ({len(bombs.many_entries('xlsx')) / 1024:.0f} KB)",
         None, "", [("after: agency / catalogue import", after_table, (bombs.many_entries("xlsx"), "x.xlsx"))]),
    ]
    print("| input | reader | seconds | peak RSS growth (MB) | outcome |")
    print("|---|---|---:|---:|---|")
    for title, _data, _name, runs in cases:
        for label, function, args in runs:
            seconds, mb, outcome = measure(function, *args)
            print(f"| {title} | {label} | {seconds:.2f} | {mb:.0f} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
