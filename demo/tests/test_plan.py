"""The plan is pure data: these tests need no database."""

import re
from collections import Counter

import pytest

from demo.generator import DemoError, expected_agency_count, plan_region
from orgs.credit_code import check_credit_code, org_code_of
from orgs.models import AgencyKind, AgencyLevel

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def _assert_consistent(plan):
    codes = [a.code for a in plan.agencies]
    assert len(codes) == len(set(codes))
    assert all(CODE_RE.match(c) for c in codes)
    names = [a.name for a in plan.agencies]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    credit = [a.credit_code for a in plan.agencies]
    assert all(check_credit_code(c) is None for c in credit)
    assert len({org_code_of(c) for c in credit}) == len(credit)  # 组织机构代码 unique: default 索引号 prefix
    for a in plan.agencies:
        assert a.credit_code[:2] == ("12" if a.kind == AgencyKind.PUBLIC_INSTITUTION else "11")
        assert a.credit_code[2:8] == a.division_code
        assert re.fullmatch(r"\d{6}", a.postcode)
        assert re.fullmatch(r"0\d{2,3}-\d{7}", a.phone)
        assert a.address and a.disclosure_office_name and a.office_hours
    seen = set()
    for a in plan.agencies:  # parents before children, every parent and supervisor in the plan
        assert a.parent is None or a.parent in seen
        assert a.supervisor is None or a.supervisor in codes
        seen.add(a.code)
    assert [a.code for a in plan.agencies if a.parent is None] == [plan.root]


def test_county_plan_is_yanchi_shaped():
    plan = plan_region("county")
    _assert_consistent(plan)
    by_code = {a.code: a for a in plan.agencies}
    root = by_code["yanchi"]
    assert (root.name, root.kind, root.level, root.division_code) == (
        "盐池县人民政府", AgencyKind.GOVERNMENT, AgencyLevel.COUNTY, "640323")
    dissolved = set(plan.reorganisation.predecessors)
    children = [a for a in plan.agencies if a.parent == "yanchi" and a.code not in dissolved]
    office = by_code["yc-bgs"]
    assert office.name == "盐池县人民政府办公室"
    departments = [a for a in children if a.kind == AgencyKind.DEPARTMENT and a.code != "yc-bgs"]
    assert len(departments) == 22
    assert {"盐池县教育体育局", "盐池县卫生健康局", "盐池县自然资源局"} <= {a.name for a in departments}
    assert len([a for a in children if a.kind == AgencyKind.PUBLIC_INSTITUTION]) == 2
    towns = [a for a in children if a.kind == AgencyKind.GOVERNMENT]
    assert [t.short_name for t in towns] == ["花马池镇", "大水坑镇", "惠安堡镇", "高沙窝镇",
                                             "王乐井乡", "冯记沟乡", "青山乡", "麻黄山乡"]
    assert all(t.level == AgencyLevel.TOWNSHIP for t in towns)
    assert [a.name for a in children if a.kind == AgencyKind.DISPATCHED_UNIT] == ["盐池县盐州路街道办事处"]
    # 1 + 1 + 22 + 2 + 8 + 1, plus the two predecessors of the 2019 merger.
    assert len(plan.agencies) == 37 == expected_agency_count("county")
    assert [by_code[c].name for c in plan.reorganisation.predecessors] == ["盐池县国土资源局", "盐池县林业局"]
    assert plan.reorganisation.successor == "yc-zrzyj"
    assert str(plan.reorganisation.effective_on) == "2019-03-01"
    assert all(a.postcode == "751500" and a.phone.startswith("0953-") for a in plan.agencies)
    assert all(a.supervisor == "yc-bgs" for a in plan.agencies if a.code != "yc-bgs")
    assert plan.site.name == "盐池县人民政府门户网站"
    assert re.fullmatch(r"\d{10}", plan.site.site_id_code)
    assert re.fullmatch(r"宁ICP备\d{8}号", plan.site.icp_number)
    assert re.fullmatch(r"宁公网安备 \d{14}号", plan.site.police_record_number)


def test_same_seed_same_plan_and_another_seed_differs():
    assert plan_region("county", seed=7) == plan_region("county", seed=7)
    assert plan_region("province", 0.25, seed=7) == plan_region("province", 0.25, seed=7)
    a, b = plan_region("province", 0.25, seed=7), plan_region("province", 0.25, seed=8)
    assert [x.name for x in a.agencies] != [x.name for x in b.agencies]
    assert [x.credit_code for x in a.agencies] != [x.credit_code for x in b.agencies]


@pytest.mark.parametrize(("profile", "scale", "expected"), [
    ("city", 1, 254), ("city", 0.1, 79), ("city", 2, 464),
    ("province", 1, 3078), ("province", 0.1, 306), ("province", 0.25, 810),
])
def test_large_profiles_have_the_documented_size(profile, scale, expected):
    plan = plan_region(profile, scale)
    assert len(plan.agencies) == expected == expected_agency_count(profile, scale)
    _assert_consistent(plan)


def test_province_shape():
    plan = plan_region("province", 0.25)  # 3 cities of 6 counties
    levels = Counter(a.level for a in plan.agencies if a.kind == AgencyKind.GOVERNMENT)
    assert levels == {AgencyLevel.PROVINCE: 1, AgencyLevel.PREFECTURE: 3, AgencyLevel.COUNTY: 18,
                      AgencyLevel.TOWNSHIP: 18 * 8}
    root = plan.agency(plan.root)
    assert root.name.endswith("省人民政府") and root.name[:2] not in {"宁夏", "河北", "江苏"}
    assert root.division_code == "390000"
    assert plan.agency(plan.users[-1].roles[0][1]).level == AgencyLevel.TOWNSHIP


def test_scale_rules():
    with pytest.raises(DemoError):
        plan_region("county", 2)
    with pytest.raises(DemoError):
        plan_region("city", 0)
    with pytest.raises(DemoError):
        plan_region("province", 9)  # 108 cities: more than the 99 a province code allows
    with pytest.raises(DemoError):
        plan_region("town")
