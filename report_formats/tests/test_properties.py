"""Nothing published can crash the parsers or the validator."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from report_formats.formats import FORMATS, CellType, ReportFormat, normalise_label, parse_cell_value
from report_formats.validation import ProseFacts, ProseFigure, ProsePercentage, validate

values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1E+999999"), Decimal("-1E+999999"), Decimal("0.0001"), 10**100]),
    st.text(max_size=12),
)


@given(st.text(), st.sampled_from(list(CellType)))
def test_parse_cell_value_never_raises(raw, cell_type):
    parsed = parse_cell_value(raw, cell_type)
    assert parsed.value is None or parsed.value.is_finite()


@given(st.text())
def test_normalise_label_never_raises(text):
    label = normalise_label(text)
    assert isinstance(label.text, str) and isinstance(label.core, str)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(ReportFormat)), st.data())
def test_validate_never_raises(fmt, data):
    ids = FORMATS[fmt].cell_ids()
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    cells = {cid: data.draw(values) for cid in chosen}
    previous = {cid: data.draw(values) for cid in data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=20))}
    flags = {cid: {data.draw(st.sampled_from(["blank", "placeholder", "annotated", "approximate", "invalid",
                                                "unit_missing"]))} for cid in chosen[:5]}
    prose = ProseFacts(figures=[ProseFigure(tuple(chosen[:2]), Decimal(7))],
                       percentages=[ProsePercentage(Decimal("1.3"), 1, tuple(chosen[:1]))],
                       states_no_requests=True, states_no_fee_items=True, states_appeals_all_upheld=True)
    findings = validate(cells, report_format=fmt, year=data.draw(st.integers(2000, 2030)), previous=previous,
                        agency_level=data.draw(st.sampled_from([None, "county", "township", "province"])),
                        flags=flags, prose_figures=prose, period=data.draw(st.text(max_size=20)))
    assert all(f.message for f in findings)
