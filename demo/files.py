"""Small attachment files for the demo catalogue: a one-page PDF written by hand and a DOCX via python-docx.

The PDF uses the Adobe-GB1 font STSong-Light (not embedded; every PDF viewer substitutes a Song typeface) with
the UniGB-UCS2-H encoding, and carries a ToUnicode map so that text extraction (pypdf, search) reads the
Chinese text exactly."""

from io import BytesIO

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
FONT_SIZE = 12
LINE_CHARS = 36  # full-width characters per line within 72 pt margins
MAX_LINES = 52


def _wrap(text: str) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        while paragraph:
            lines.append(paragraph[:LINE_CHARS])
            paragraph = paragraph[LINE_CHARS:]
    return lines[:MAX_LINES]


def _hex(text: str) -> str:
    # UCS-2 big-endian; the demo text is within the Basic Multilingual Plane.
    return "".join(f"{ord(ch):04X}" for ch in text if ord(ch) <= 0xFFFF)


def _to_unicode_cmap(chars: set[str]) -> bytes:
    codes = sorted(ord(ch) for ch in chars if ord(ch) <= 0xFFFF)
    body = []
    for start in range(0, len(codes), 100):  # at most 100 entries per bfchar block
        chunk = codes[start:start + 100]
        body.append(f"{len(chunk)} beginbfchar")
        body.extend(f"<{c:04X}> <{c:04X}>" for c in chunk)
        body.append("endbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(body) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def make_pdf(title: str, text: str) -> bytes:
    """A valid one-page PDF 1.4 showing `title` and `text` (wrapped, cut at one page)."""
    lines = _wrap(title) + [""] + _wrap(text)
    lines = lines[:MAX_LINES]
    content = [f"BT /F1 {FONT_SIZE} Tf {FONT_SIZE * 1.5:.0f} TL 72 {PAGE_HEIGHT - 72} Td"]
    for line in lines:
        content.append(f"<{_hex(line)}> Tj T*" if line else "T*")
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    cmap = _to_unicode_cmap(set("".join(lines)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
         "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>").encode("ascii"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R "
        b"/DW 1000 >>",
        b"<< /Length " + str(len(cmap)).encode() + b" >>\nstream\n" + cmap + b"endstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    return pdf_file(objects)


def pdf_file(objects: list[bytes], version: str = "1.4") -> bytes:
    """A PDF of `objects` (numbered from 1, the first the catalogue) with a correct cross-reference table."""
    out = bytearray(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_docx(title: str, text: str) -> bytes:
    """A DOCX with the title as a heading and one paragraph per line of `text`."""
    from docx import Document as DocxDocument  # imported here: only the demo build needs python-docx

    document = DocxDocument()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for paragraph in text.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
