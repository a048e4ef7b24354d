"""Per-file limits (issue 17 §6, report_checkup/limits.py): a crafted PDF — four pages of hundreds of thousands of
tiny drawing operations, a few MB compressed — is answered with "无法在限定时间内读取", never read for minutes;
the memory cap stops a file that would take more than GONGKAI_CHECKUP_READ_MEMORY_MB."""

from __future__ import annotations

import io
import zlib

from django.core.management import call_command

from report_checkup.limits import check_limited


def crafted_pdf(pages: int = 4, ops: int = 400_000) -> bytes:
    """Each page's content: `ops` one-point lines (m … l S), Flate-compressed; a valid PDF otherwise."""
    stream = zlib.compress(b"".join(b"%d %d m %d %d l S\n" % (i % 500, i % 700, i % 500 + 1, i % 700)
                                    for i in range(ops)), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (4 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_crafted_pdf_is_answered_with_the_time_limit(settings):
    settings.GONGKAI_FILE_TIME_BUDGET_SECONDS = 2
    result = check_limited(crafted_pdf(), "crafted.pdf")
    [finding] = result["findings"]
    assert finding["code"] == "IMP-E02" and finding["message"].startswith("无法在限定时间内读取")
    assert result["cells"] == {}


def test_the_outer_wall_stops_a_reader_that_ignores_its_budget(settings):
    settings.GONGKAI_CHECKUP_READ_SECONDS = 1

    def stuck(data, name):
        while True:
            pass

    result = check_limited(b"x", "stuck.txt", check=stuck)
    assert result["findings"][0]["message"].startswith("无法在限定时间内读取（限定1秒）")


def test_the_memory_cap_stops_a_reader_that_takes_too_much(settings):
    def greedy(data, name):
        return {"big": bytearray(512 * 1024 * 1024)}

    result = check_limited(b"x", "greedy.txt", memory_mb=64, check=greedy)
    assert "内存超过64 MB" in result["findings"][0]["message"]


def test_gongkai_audit_answers_the_crafted_pdf(settings, tmp_path):
    settings.GONGKAI_FILE_TIME_BUDGET_SECONDS = 2
    (tmp_path / "crafted.pdf").write_bytes(crafted_pdf())
    out = io.StringIO()
    call_command("audit", str(tmp_path / "crafted.pdf"), "--quiet", stdout=out)
    assert "  错误 IMP-E02：无法在限定时间内读取" in out.getvalue()
