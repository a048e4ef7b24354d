"""HTML → PDF with WeasyPrint, shared by the reply letters and the annual report.

WeasyPrint needs Pango and HarfBuzz from the system, and the CJK fonts come from fontconfig (Debian's
fonts-noto-cjk stands in for 仿宋_GB2312 and 方正小标宋简体 where a deployment lacks them); WeasyPrint embeds
the subset of every font it uses. A missing library is reported as ImproperlyConfigured with what to
install, which the views turn into a message instead of a traceback.

Every PDF is tagged (WeasyPrint's `pdf_tags`: a structure tree of headings, paragraphs, lists and tables, marked
content, the document language from `<html lang>`), so screen readers can read letters and reports in order
and tables as tables (issue 19, accessibility)."""

from django.core.exceptions import ImproperlyConfigured


def html_to_pdf(html: str, *, what: str = "文档", base_url: str | None = None) -> bytes:
    """`html`: a complete document with its CSS inline; `base_url` only when it links other files."""
    try:
        # lazy: WeasyPrint (~27 MB, ~2 s) only when a PDF is made; a missing system library is caught
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango or HarfBuzz missing from the system
        raise ImproperlyConfigured(f"无法生成PDF{what}：WeasyPrint 或其系统库（Pango、HarfBuzz）不可用。"
                                   "请安装 weasyprint 及 Debian 软件包 libpango-1.0-0、libpangoft2-1.0-0、"
                                   "libharfbuzz-subset0、fonts-noto-cjk。") from error
    return HTML(string=html, base_url=base_url).write_pdf(pdf_tags=True)
