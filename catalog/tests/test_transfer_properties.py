"""Property tests: whatever the file, import_catalogue answers with a result and writes nothing unless ok."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from catalog.models import Document, NormativeEvent
from catalog.transfer import HEADERS, REQUIRED_HEADERS, ImportResult, import_catalogue

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

INDEX = ["640323001/2018-00061", "640323001/2018-00062", "640323001/2016-00005", "A/201804-1", "bad", "", "x/2018"]
SPECIAL = ["edu", "county", "nowhere", "行政规范性文件", "其他公文", "规章", "interpretation", "政策解读", "科技、教育",
           "02", "（一）", "一", "16", "1", "已废止", "失效", "有效", "是", "否", "主动公开", "依申请公开", "2018-03-09",
           "2016/01/04", "2018年2月30日", "盐教发〔2018〕12号", "盐教发[2018]", "文字；图解", "政府网站", "<p>正文</p>",
           "<script>alert(1)</script>", "'=1+1", "a.pdf", "../x", "\u3000", "\ufeff"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
cell_text = st.one_of(st.sampled_from(INDEX), st.sampled_from(SPECIAL), TEXT)
cell_value = st.one_of(cell_text, st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)))
headers = st.one_of(
    st.lists(st.sampled_from(HEADERS), unique=True).flatmap(
        lambda extra: st.permutations(list(dict.fromkeys([*REQUIRED_HEADERS, *extra])))),
    st.lists(st.one_of(st.sampled_from(HEADERS), TEXT), min_size=1, max_size=6),
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def state():
    return Document.objects.count(), AuditEntry.objects.count(), NormativeEvent.objects.count()


def check(data: bytes, dry_run: bool) -> ImportResult:
    before = state()
    result = import_catalogue(data, "fuzz", dry_run=dry_run)
    assert isinstance(result, ImportResult)
    for error in result.errors:
        assert error.line >= 0 and error.message
        assert error.column in ("", *HEADERS)
        assert "内部错误" not in error.message, error
    if not result.ok:
        assert result.created == result.updated == result.unchanged == []
    if dry_run or not result.ok:
        assert state() == before
    else:
        assert state()[0] == before[0] + len(result.created)
    return result


@PROPERTY
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(region, genres, data):
    check(data, dry_run=False)


@PROPERTY
@given(columns=headers, rows=st.lists(st.lists(cell_value, max_size=12), max_size=6), dry_run=st.booleans(),
       as_xlsx=st.booleans())
def test_random_tables(region, genres, columns, rows, dry_run, as_xlsx):
    if as_xlsx:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(list(columns))
        for values in rows:
            sheet.append(values)
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(columns)
        for values in rows:
            writer.writerow(["" if v is None else v.date().isoformat() if isinstance(v, datetime) else v for v in values])
        data = text.getvalue().encode("utf-8")
    check(data, dry_run)


VALID = {"索引号": "640323001/2018-00061", "标题": "通知", "发布机构编码": "edu", "内容概述": "概述", "体裁分类": "通知公告",
         "第二十条事项": "15", "发布日期": "2018-03-09", "成文日期": "2018-03-01"}


@PROPERTY
@given(changes=st.dictionaries(st.sampled_from(HEADERS), cell_text, max_size=4), copies=st.integers(1, 3))
def test_mutated_valid_rows(region, genres, changes, copies):
    """Near-valid rows reach the services (not only the cell parsers): still no exception, still all-or-nothing."""
    rows = []
    for i in range(copies):
        values = {**VALID, "索引号": f"640323001/2018-{i + 61:05d}", **changes}
        rows.append(values)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow([values.get(h, "") for h in HEADERS])
    result = check(text.getvalue().encode("utf-8"), dry_run=False)
    if result.ok:
        assert Document.objects.filter(published_on__lte=date(2100, 1, 1)).count() >= len(result.created)
