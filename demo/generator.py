"""Demo regions for `gongkai demo`: first a seeded plan (pure data, no database), then a build.

Profiles (agency counts include the two dissolved predecessors of the root's 机构改革):

* ``county``: 盐池县 (宁夏吴忠市, 行政区划代码 640323), shaped like its 2018 annual report: 县人民政府,
  县人民政府办公室 (政务公开办公室), 22 departments, 2 直属事业单位, 8 乡镇 (4 镇, 4 乡) and 1 街道,
  plus 原国土资源局 and 原林业局, merged into 自然资源局 on 2019-03-01: 37 agencies. ``scale`` must be 1.
* ``city``: a fictional 设区的市: 市人民政府, 市人民政府办公室, 36 departments, 4 直属事业单位,
  2 predecessors (merged into 自然资源局 on 2019-01-31), and ``round(6 × scale)`` counties
  (at least 1, at most 80). Each county has 35 agencies, shaped like the county profile without the
  reorganisation; the first is a 区. Total: 44 + 35 × counties (254 with scale 1).
* ``province``: a fictional province: 省人民政府, 省人民政府办公厅, 45 departments, 5 直属事业单位,
  2 predecessors (merged into 自然资源厅 on 2018-10-31), and ``round(12 × scale)`` cities (at least 1,
  at most 99), each a city of the city profile with 6 counties and no reorganisation (252 agencies).
  Total: 54 + 252 × cities (3,078 with scale 1).

So ``scale`` multiplies the number of units directly under the root region (counties of a city, cities
of a province), rounded half up; the total grows linearly with it. Fictional regions use the unused
province code 39 for their 行政区划代码, so they never collide with a real region's code.

The county profile also gets a catalogue of 政府信息 for the demo year (demo.catalogue: ``documents`` items,
default DEFAULT_DOCUMENTS; 0 for none), after which the search index is rebuilt when the search app can.

The county profile is created through orgs.services (one audit entry per agency); the larger profiles
are bulk-inserted and summarised by ONE audit entry ("demo.region.generate"). Both then apply the
reorganisation through orgs.services.reorganise, create the portal Site and the demo users.
"""

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.utils import timezone

from audit.context import acting_as
from audit.services import record, snapshot
from orgs.credit_code import make_credit_code
from orgs.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Role,
    RoleAssignment,
    SuccessionKind,
)
from orgs.services import create_agency, grant_role, reorganise, update_agency
from portal.models import Site
from workdays.calendar import load_snapshot

from . import data
from .catalogue import (
    DEFAULT_DOCUMENTS,
    MIN_DOCUMENTS,
    CatalogueSummary,
    build_catalogue,
    default_year,
    plan_catalogue,
    rebuild_search_index,
)

PROFILES = ("county", "city", "province")
DEFAULT_SEED = 640323
DEMO_PASSWORD = "Gongkai@demo2026"  # noqa: S105 - public by design, printed by --print-logins
AUDIT_LABEL = "演示数据生成"
COUNTIES_PER_CITY = 6
CITIES_PER_PROVINCE = 12
MAX_COUNTIES_PER_CITY = 80  # one 区 (code 02) and 县 codes 21–99
MAX_CITIES = 99
FICTIONAL_PROVINCE_CODE = "39"  # not assigned to any real province
FICTIONAL_POSTCODE_PREFIX = "76"
# One hash for every demo user: PBKDF2 costs ~0.3 s per call, and the password is public anyway. The salt
# is fixed (and long enough for Django not to rehash it at login) so that --print-logins can tell cheaply
# whether a user still has the demo password.
_DEMO_SALT = "GongkaiDemoRegionSalt2026"
_ROLE_SUFFIXES = (("editor", Role.EDITOR), ("reviewer", Role.REVIEWER), ("handler", Role.REQUEST_HANDLER))
# Every username any profile creates, in the order --print-logins lists them.
DEMO_USERNAMES = ("admin", "gkb-head", "gkb-staff") + tuple(
    f"{prefix}-{suffix}" for prefix in ("jyj", "wjj", "hmc", "xz") for suffix, _ in _ROLE_SUFFIXES)

ProgressCallback = Callable[[int, int], None]


class DemoError(Exception):
    """The demo cannot be generated here (message in Chinese, shown to the user)."""


# ---------------------------------------------------------------------------
# The plan: plain, comparable data
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyPlan:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: str | None
    supervisor: str | None
    credit_code: str
    division_code: str
    disclosure_office_name: str
    address: str
    postcode: str
    phone: str
    fax: str = ""
    office_hours: str = data.OFFICE_HOURS
    sort_order: int = 0
    established_on: date | None = None
    authorised_by_law: bool = False  # 事业单位 authorised by law to manage public affairs (条例 第五十四条)
    superior_government: str = ""

    def model_fields(self) -> dict:
        """Keyword arguments for Agency(...), without the two foreign keys."""
        values = asdict(self)
        del values["parent"], values["supervisor"]
        return values


@dataclass(frozen=True)
class ReorganisationPlan:
    kind: str
    predecessors: tuple[str, ...]
    successor: str
    effective_on: date
    note: str


@dataclass(frozen=True)
class UserPlan:
    username: str
    last_name: str  # 姓
    first_name: str  # 名
    roles: tuple[tuple[str, str | None], ...]  # (role, agency code or None for 平台管理员)
    is_superuser: bool = False


@dataclass(frozen=True)
class SitePlan:
    name: str
    agency: str
    contact: str
    site_id_code: str
    icp_number: str
    police_record_number: str


@dataclass
class RegionPlan:
    profile: str
    scale: float
    seed: int
    region_name: str
    root: str
    agencies: list[AgencyPlan]
    reorganisation: ReorganisationPlan
    site: SitePlan
    users: list[UserPlan]

    def counts(self) -> Counter:
        """Agencies by kind, dissolved predecessors counted separately under "dissolved"."""
        dissolved = set(self.reorganisation.predecessors)
        return Counter("dissolved" if a.code in dissolved else a.kind for a in self.agencies)

    def agency(self, code: str) -> AgencyPlan:
        return next(a for a in self.agencies if a.code == code)


def expected_agency_count(profile: str, scale: float = 1) -> int:
    """The number of agencies a profile creates (see the module docstring)."""
    per_county = 2 + len(data.COUNTY_DEPARTMENTS) + len(data.COUNTY_INSTITUTIONS) + 9
    per_city_core = 2 + len(data.CITY_DEPARTMENTS) + len(data.CITY_INSTITUTIONS)
    if profile == "county":
        return per_county + 2
    if profile == "city":
        return per_city_core + 2 + per_county * _scaled(COUNTIES_PER_CITY, scale)
    province_core = 2 + len(data.PROVINCE_DEPARTMENTS) + len(data.PROVINCE_INSTITUTIONS)
    return province_core + 2 + (per_city_core + per_county * COUNTIES_PER_CITY) * _scaled(CITIES_PER_PROVINCE, scale)


def _scaled(base: int, scale: float) -> int:
    return max(1, int(base * scale + 0.5))


@dataclass
class _Region:
    """One people's government's territory while planning."""

    name: str  # 盐池县, 青川市, 云川省
    level: str
    level_char: str  # 县 / 区 / 市 / 省: the short form used in short names ("县教育体育局")
    gov_code: str
    code_prefix: str
    division_code: str
    postcode: str
    area_code: str
    address_prefix: str  # where its agencies sit: "盐池县", "云川省青川市"
    streets: list[str] = field(default_factory=lambda: list(data.STREETS))
    government_address: str = ""
    superior_government: str = ""  # the 上一级人民政府 of a root government (行政复议法 第二十四条)


class _Planner:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.agencies: list[AgencyPlan] = []
        self.used_org_bodies: set[str] = set()
        self.used_places: set[str] = {"盐池"}
        self.used_person_names: set[str] = set()

    # -- identifiers ---------------------------------------------------------
    def credit_code(self, kind: str, division_code: str, established_on: date | None) -> str:
        institution = kind == AgencyKind.PUBLIC_INSTITUTION
        registration = "12" if institution else "11"
        while True:
            if established_on and established_on.year >= 2016:
                # Bodies founded after the 2015 reform get the "MB0"/"MB1" organisation codes.
                body = ("MB1" if institution else "MB0") + f"{self.rng.randrange(10 ** 5):05d}"
            else:
                body = ("4" if institution else "0") + f"{self.rng.randrange(10 ** 7):07d}"
            # The 组织机构代码 must be unique too: it is the default 索引号 prefix.
            if body not in self.used_org_bodies:
                self.used_org_bodies.add(body)
                return make_credit_code(registration, division_code, body)

    def phone(self, region: _Region) -> str:
        first = "6" if region.area_code == data.YANCHI["area_code"] else str(self.rng.randint(2, 8))
        return f"{region.area_code}-{first}{self.rng.randrange(10 ** 6):06d}"

    def address(self, region: _Region, town: str = "") -> str:
        streets = data.TOWN_STREETS if town else region.streets
        return f"{region.address_prefix}{town}{self.rng.choice(streets)}{self.rng.randint(1, 199)}号"

    def place_name(self) -> str:
        while True:
            name = self.rng.choice(data.PLACE_FIRST) + self.rng.choice(data.PLACE_SECOND)
            if name[0] != name[1] and name not in self.used_places and name not in data.REAL_PROVINCES:
                self.used_places.add(name)
                return name

    def town_base(self, used: set[str]) -> str:
        while True:
            pick = self.rng.random()
            if pick < 0.4:
                base = self.rng.choice(data.PLACE_FIRST) + self.rng.choice(data.PLACE_SECOND)
            elif pick < 0.7:
                base = self.rng.choice(data.SURNAMES) + self.rng.choice(data.FAMILY_SUFFIXES)
            else:
                base = self.rng.choice(data.LANDMARK_FIRST) + self.rng.choice(data.LANDMARK_SECOND)
            if base[0] != base[1] and base not in used:
                used.add(base)
                return base

    def person(self) -> tuple[str, str]:
        while True:
            surname = self.rng.choice(data.SURNAMES)
            given = "".join(self.rng.choice(data.GIVEN_NAME_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            if surname + given not in self.used_person_names:
                self.used_person_names.add(surname + given)
                return surname, given

    # -- agencies --------------------------------------------------------------
    def add(self, **fields) -> AgencyPlan:
        kind = fields["kind"]
        fields.setdefault("credit_code", self.credit_code(kind, fields["division_code"],
                                                          fields.get("established_on")))
        plan = AgencyPlan(**fields)
        self.agencies.append(plan)
        return plan

    def government(self, region: _Region, parent: str | None, departments, institutions,
                   predecessors=(), successor: str = "", successor_on: date | None = None) -> tuple[str, str]:
        """A people's government, its 办公室/办公厅 and its departments; returns (gov, office) codes."""
        office_slug, office_name = ("bgt", "人民政府办公厅") if region.level == AgencyLevel.PROVINCE \
            else ("bgs", "人民政府办公室")
        office_code = f"{region.code_prefix}-{office_slug}"
        gov_name = f"{region.name}人民政府"
        disclosure_office = f"{region.name}{office_name}政务公开办公室" if region.level == AgencyLevel.PROVINCE \
            else f"{region.name}人民政府政务公开办公室"
        gov_address = region.government_address or self.address(region)
        self.add(code=region.gov_code, name=gov_name, short_name=f"{region.name}政府",
                 kind=AgencyKind.GOVERNMENT, level=region.level, parent=parent, supervisor=office_code,
                 division_code=region.division_code, disclosure_office_name=disclosure_office,
                 address=gov_address, postcode=region.postcode, phone=self.phone(region), fax=self.phone(region),
                 superior_government=region.superior_government if parent is None else "")
        self.add(code=office_code, name=f"{region.name}{office_name}", short_name=f"{region.level_char}政府{office_name[4:]}",
                 kind=AgencyKind.DEPARTMENT, level=region.level, parent=region.gov_code, supervisor=None,
                 division_code=region.division_code, disclosure_office_name=disclosure_office,
                 address=gov_address, postcode=region.postcode, phone=self.phone(region), fax=self.phone(region),
                 sort_order=1)
        order = 10
        for slug, name, kind in [*departments, *institutions]:
            order += 1
            self.add(code=f"{region.code_prefix}-{slug}", name=f"{region.name}{name}",
                     short_name=f"{region.level_char}{name}", kind=kind, level=region.level,
                     parent=region.gov_code, supervisor=office_code, division_code=region.division_code,
                     disclosure_office_name=f"{region.name}{name}办公室", address=self.address(region),
                     postcode=region.postcode, phone=self.phone(region), sort_order=order,
                     established_on=successor_on if slug == successor else None,
                     authorised_by_law=kind == AgencyKind.PUBLIC_INSTITUTION and slug in data.AUTHORISED_INSTITUTIONS)
        for slug, name in predecessors:
            order += 1
            self.add(code=f"{region.code_prefix}-{slug}", name=f"{region.name}{name}",
                     short_name=f"原{region.level_char}{name}", kind=AgencyKind.DEPARTMENT, level=region.level,
                     parent=region.gov_code, supervisor=office_code, division_code=region.division_code,
                     disclosure_office_name=f"{region.name}{name}办公室", address=self.address(region),
                     postcode=region.postcode, phone=self.phone(region), sort_order=order)
        return region.gov_code, office_code

    def county(self, region: _Region, parent: str | None, towns: list[tuple[str, str]],
               subdistrict: tuple[str, str], predecessors=(), successor: str = "",
               successor_on: date | None = None) -> None:
        gov, office = self.government(region, parent, data.COUNTY_DEPARTMENTS, data.COUNTY_INSTITUTIONS,
                                      predecessors, successor, successor_on)
        order = 100
        for slug, town in towns:
            order += 1
            self.add(code=f"{region.code_prefix}-{slug}", name=f"{region.name}{town}人民政府", short_name=town,
                     kind=AgencyKind.GOVERNMENT, level=AgencyLevel.TOWNSHIP, parent=gov, supervisor=office,
                     division_code=region.division_code,
                     disclosure_office_name=f"{region.name}{town}党政综合办公室",
                     address=self.address(region, town), postcode=region.postcode, phone=self.phone(region),
                     sort_order=order)
        slug, street_office = subdistrict
        self.add(code=f"{region.code_prefix}-{slug}", name=f"{region.name}{street_office}办事处",
                 short_name=street_office, kind=AgencyKind.DISPATCHED_UNIT, level=AgencyLevel.TOWNSHIP,
                 parent=gov, supervisor=office, division_code=region.division_code,
                 disclosure_office_name=f"{region.name}{street_office}党政综合办公室",
                 address=self.address(region), postcode=region.postcode, phone=self.phone(region),
                 sort_order=order + 1)

    def generated_county(self, name: str, level_char: str, division_code: str, postcode: str, area_code: str,
                         parent: str, address_prefix: str) -> None:
        region = _Region(name=name, level=AgencyLevel.COUNTY, level_char=level_char, gov_code=division_code,
                         code_prefix=division_code, division_code=division_code, postcode=postcode,
                         area_code=area_code, address_prefix=address_prefix)
        used: set[str] = set()
        # 5 镇 and 3 乡, like most counties; the order of the list is the order of the county's own lists.
        towns = [(f"xz{i:02d}", self.town_base(used) + ("镇" if i <= 5 else "乡")) for i in range(1, 9)]
        subdistrict = ("jd01", self.rng.choice(data.SUBDISTRICT_NAMES))
        self.county(region, parent, towns, subdistrict)

    def generated_city(self, name: str, city_index: int, counties: int, parent: str | None, province_name: str,
                       area_code: str, predecessors=(), successor: str = "",
                       successor_on: date | None = None) -> _Region:
        division = f"{FICTIONAL_PROVINCE_CODE}{city_index:02d}00"
        postcode = f"{FICTIONAL_POSTCODE_PREFIX}{city_index:02d}00"
        region = _Region(name=name, level=AgencyLevel.PREFECTURE, level_char="市", gov_code=division,
                         code_prefix=division, division_code=division, postcode=postcode, area_code=area_code,
                         address_prefix=f"{province_name}{name}" if parent else name,
                         superior_government="" if parent else f"{province_name}人民政府")
        gov, _ = self.government(region, parent, data.CITY_DEPARTMENTS, data.CITY_INSTITUTIONS,
                                 predecessors, successor, successor_on)
        for k in range(1, counties + 1):
            # The first is a 市辖区 (区 codes start at 01, 01 itself being the 市辖区 summary code).
            county_code = f"{division[:4]}{'02' if k == 1 else f'{19 + k:02d}'}"
            county_name = self.place_name() + ("区" if k == 1 else "县")
            self.generated_county(county_name, county_name[-1], county_code,
                                  f"{FICTIONAL_POSTCODE_PREFIX}{city_index:02d}{k:02d}", area_code, gov,
                                  f"{province_name}{name}{county_name}" if parent else f"{name}{county_name}")
        return region

    # -- users and site -----------------------------------------------------------
    def users(self, root_gov: str, education: str, health: str, town: str, town_prefix: str) -> list[UserPlan]:
        plans = [UserPlan("admin", *self.person(), roles=((Role.PLATFORM_ADMIN.value, None),), is_superuser=True),
                 UserPlan("gkb-head", *self.person(), roles=((Role.OFFICE_HEAD.value, root_gov),)),
                 UserPlan("gkb-staff", *self.person(), roles=((Role.OFFICE_STAFF.value, root_gov),))]
        for prefix, agency in (("jyj", education), ("wjj", health), (town_prefix, town)):
            for suffix, role in _ROLE_SUFFIXES:
                plans.append(UserPlan(f"{prefix}-{suffix}", *self.person(), roles=((role.value, agency),)))
        return plans

    def site(self, root: AgencyPlan, office: AgencyPlan, province_abbr: str) -> SitePlan:
        return SitePlan(
            name=f"{root.name}门户网站", agency=root.code, contact=f"{office.name}　电话：{office.phone}",
            site_id_code=f"{root.division_code}0001",
            icp_number=f"{province_abbr}ICP备{self.rng.randint(5_000_000, 19_999_999):08d}号",
            police_record_number=f"{province_abbr}公网安备 {root.division_code}{self.rng.randint(2_000_001, 2_009_999):08d}号",
        )


def _reorganisation(profile: str, prefix: str, region_name: str, level_char: str
                    ) -> tuple[list, str, date, ReorganisationPlan]:
    spec = data.REORGANISATIONS[profile]
    effective_on = date.fromisoformat(spec["effective_on"])
    plan = ReorganisationPlan(
        kind=SuccessionKind.MERGE.value,
        predecessors=tuple(f"{prefix}-{slug}" for slug, _ in spec["predecessors"]),
        successor=f"{prefix}-{spec['successor']}", effective_on=effective_on,
        note=spec["note"].format(region=region_name, level=level_char))
    return spec["predecessors"], spec["successor"], effective_on, plan


def plan_region(profile: str = "county", scale: float = 1, seed: int = DEFAULT_SEED) -> RegionPlan:
    """The whole region as data; the same arguments always give the same plan."""
    if profile not in PROFILES:
        raise DemoError(f"未知的演示区域类型“{profile}”，可选：{'、'.join(PROFILES)}。")
    if not (math.isfinite(scale) and scale > 0):
        raise DemoError("--scale 必须是大于 0 的数。")
    planner = _Planner(seed)
    if profile == "county":
        if scale != 1:
            raise DemoError("县级演示区域的规模是固定的（一个县）；--scale 只适用于 city 和 province。")
        y = data.YANCHI
        region = _Region(name=y["name"], level=AgencyLevel.COUNTY, level_char="县", gov_code=y["code"],
                         code_prefix=y["code_prefix"], division_code=y["division_code"], postcode=y["postcode"],
                         area_code=y["area_code"], address_prefix=y["name"], streets=y["streets"],
                         government_address=y["government_address"], superior_government=y["superior_government"])
        predecessors, successor, effective_on, reorganisation = _reorganisation(
            profile, region.code_prefix, region.name, region.level_char)
        planner.county(region, None, y["towns"], y["subdistrict"], predecessors, successor, effective_on)
        province_abbr, town, town_prefix = y["province_abbr"], f"{region.code_prefix}-hmc", "hmc"
        education, health = f"{region.code_prefix}-jyj", f"{region.code_prefix}-wjj"
    else:
        province_name = planner.place_name()  # never a real province's name
        province_abbr = province_name[0]
        if profile == "city":
            counties = _scaled(COUNTIES_PER_CITY, scale)
            if counties > MAX_COUNTIES_PER_CITY:
                raise DemoError(f"规模过大：一个市最多 {MAX_COUNTIES_PER_CITY} 个县（区），当前为 {counties} 个。")
            city_name = planner.place_name() + "市"
            prefix = f"{FICTIONAL_PROVINCE_CODE}0100"
            predecessors, successor, effective_on, reorganisation = _reorganisation(profile, prefix, city_name, "市")
            area_code = f"0{planner.rng.randint(700, 999)}"
            region = planner.generated_city(city_name, 1, counties, None, province_name + "省", area_code,
                                            predecessors, successor, effective_on)
            education, health = f"{prefix}-jyj", f"{prefix}-wjw"
        else:
            cities = _scaled(CITIES_PER_PROVINCE, scale)
            if cities > MAX_CITIES:
                raise DemoError(f"规模过大：一个省最多 {MAX_CITIES} 个市，当前为 {cities} 个。")
            full_name = province_name + "省"
            prefix = f"{FICTIONAL_PROVINCE_CODE}0000"
            city_names = [planner.place_name() + "市" for _ in range(cities)]
            area_codes = [f"0{c}" for c in planner.rng.sample(range(700, 1000), cities)]
            region = _Region(name=full_name, level=AgencyLevel.PROVINCE, level_char="省", gov_code=prefix,
                             code_prefix=prefix, division_code=prefix, postcode=f"{FICTIONAL_POSTCODE_PREFIX}0100",
                             area_code=area_codes[0], address_prefix=f"{full_name}{city_names[0]}")
            predecessors, successor, effective_on, reorganisation = _reorganisation(profile, prefix, full_name, "省")
            planner.government(region, None, data.PROVINCE_DEPARTMENTS, data.PROVINCE_INSTITUTIONS,
                               predecessors, successor, effective_on)
            for index, city_name in enumerate(city_names, start=1):
                planner.generated_city(city_name, index, COUNTIES_PER_CITY, prefix, full_name, area_codes[index - 1])
            education, health = f"{prefix}-jyt", f"{prefix}-wjw"
        # The first 乡镇 of the first county, wherever it is in the tree.
        town = next(a.code for a in planner.agencies if a.level == AgencyLevel.TOWNSHIP)
        town_prefix = "xz"
    root = planner.agencies[0]
    office = planner.agencies[1]
    return RegionPlan(
        profile=profile, scale=scale, seed=seed, region_name=region.name, root=root.code,
        agencies=planner.agencies, reorganisation=reorganisation,
        site=planner.site(root, office, province_abbr),
        users=planner.users(root.code, education, health, town, town_prefix))


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------
@dataclass
class RegionSummary:
    """What build_region created; later generators (documents, requests, letters) start from here."""

    plan: RegionPlan
    root: Agency
    agency_ids: dict[str, int]  # agency code → id
    successions: list[AgencySuccession]
    site: Site
    usernames: list[str]
    password: str
    seconds: float
    catalogue: "CatalogueSummary | None" = None  # the county's 政府信息 (demo.catalogue), when generated

    @property
    def agency_count(self) -> int:
        return len(self.agency_ids)

    def agency(self, code: str) -> Agency:
        return Agency.objects.get(pk=self.agency_ids[code])


_hash_cache: dict[tuple, str] = {}


def demo_password_hash() -> str:
    # Deterministic for a given hasher configuration, so computed once per process.
    key = tuple(settings.PASSWORD_HASHERS)
    if key not in _hash_cache:
        _hash_cache[key] = make_password(DEMO_PASSWORD, salt=_DEMO_SALT)
    return _hash_cache[key]


def default_documents(profile: str) -> int:
    """How many 政府信息 a profile gets by default: only the county has a catalogue (demo.catalogue)."""
    return DEFAULT_DOCUMENTS if profile == "county" else 0


def build_region(profile: str = "county", scale: float = 1, seed: int = DEFAULT_SEED, *,
                 progress: ProgressCallback | None = None, documents: int | None = None,
                 year: int | None = None) -> RegionSummary:
    """Plan and create a demo region in an empty database (all or nothing). `documents`: how many 政府信息
    the county publishes in the demo `year` (default: default_documents(profile) and last year; 0: none)."""
    if documents is None:
        documents = default_documents(profile)
    summary = build_from_plan(plan_region(profile, scale, seed), progress=progress, documents=documents, year=year)
    if summary.catalogue is not None:
        # After the commit, so that an index built on another connection sees the documents.
        summary.catalogue.search_note = rebuild_search_index()
    return summary


@transaction.atomic
def build_from_plan(plan: RegionPlan, *, progress: ProgressCallback | None = None, documents: int = 0,
                    year: int | None = None) -> RegionSummary:
    started = time.monotonic()
    if documents and plan.profile != "county":
        raise DemoError("目前只有县级演示区域（--profile county）可以生成政府信息目录；请使用 --documents 0。")
    if documents and documents < MIN_DOCUMENTS:
        raise DemoError(f"政府信息条数至少为 {MIN_DOCUMENTS}（或 0，不生成目录）。")
    existing = Agency.objects.count()
    if existing:
        raise DemoError(f"数据库中已有 {existing} 个机构，演示数据只能生成在空库中（使用 --if-empty 可跳过）。")
    taken = sorted(get_user_model().objects.filter(username__in=[u.username for u in plan.users])
                   .values_list("username", flat=True))
    if taken:
        raise DemoError(f"用户名已被占用：{'、'.join(taken)}。请在空库中生成演示数据。")
    with acting_as(label=AUDIT_LABEL):
        if plan.profile == "county":
            agencies = _create_with_services(plan)
        else:
            agencies = _create_in_bulk(plan, progress)
        r = plan.reorganisation
        successions = reorganise(SuccessionKind(r.kind), [agencies[c] for c in r.predecessors],
                                 [agencies[r.successor]], r.effective_on, note=r.note)
        site = _create_site(plan, agencies)
        _create_users(plan, agencies)
        catalogue = None
        if documents:
            snapshot = load_snapshot()
            catalogue_plan = plan_catalogue(plan, documents, year=year or default_year(), seed=plan.seed,
                                            is_working_day=snapshot.is_working_day, until=timezone.localdate())
            fresh = {a.code: a for a in Agency.objects.filter(pk__in=[a.pk for a in agencies.values()])}
            catalogue = build_catalogue(catalogue_plan, fresh)
    root = Agency.objects.get(code=plan.root)
    return RegionSummary(plan=plan, root=root, agency_ids={code: a.pk for code, a in agencies.items()},
                         successions=successions, site=site, usernames=[u.username for u in plan.users],
                         password=DEMO_PASSWORD, seconds=time.monotonic() - started, catalogue=catalogue)


def _create_with_services(plan: RegionPlan) -> dict[str, Agency]:
    created: dict[str, Agency] = {}
    deferred = []
    for p in plan.agencies:
        supervisor = created.get(p.supervisor) if p.supervisor else None
        if p.supervisor and supervisor is None:
            deferred.append(p)  # the government is created before its own 办公室
        created[p.code] = create_agency(parent=created[p.parent] if p.parent else None, supervisor=supervisor,
                                        **p.model_fields())
    for p in deferred:
        created[p.code] = update_agency(created[p.code], supervisor=created[p.supervisor])
    return created


def _create_in_bulk(plan: RegionPlan, progress: ProgressCallback | None) -> dict[str, Agency]:
    depth_of: dict[str, int] = {}
    levels: dict[int, list[AgencyPlan]] = {}
    for p in plan.agencies:  # parents always come before their children in a plan
        depth_of[p.code] = depth_of[p.parent] + 1 if p.parent else 0
        levels.setdefault(depth_of[p.code], []).append(p)
    created: dict[str, Agency] = {}
    total, done = len(plan.agencies), 0
    for depth in sorted(levels):
        batch = []
        for p in levels[depth]:
            agency = Agency(parent=created[p.parent] if p.parent else None, **p.model_fields())
            # Field validators only: the plan guarantees uniqueness and the foreign keys exist.
            agency.clean_fields(exclude=["parent", "supervisor", "path", "depth"])
            batch.append(agency)
        for start in range(0, len(batch), 500):
            Agency.objects.bulk_create(batch[start:start + 500])
            done += len(batch[start:start + 500])
            if progress:
                progress(done, total)
        for p, agency in zip(levels[depth], batch, strict=True):
            if agency.pk is None:
                raise DemoError("数据库未返回批量插入的主键，无法批量生成（需要 SQLite ≥ 3.35 或 PostgreSQL）。")
            parent_path = agency.parent.path if agency.parent else "/"
            agency.path = f"{parent_path}{agency.pk}/"
            agency.depth = depth
            created[p.code] = agency
    for p in plan.agencies:
        if p.supervisor:
            created[p.code].supervisor = created[p.supervisor]
    _write_paths_and_supervisors(list(created.values()))
    root = created[plan.root]
    record("demo.region.generate", root, after={
        "profile": plan.profile, "scale": plan.scale, "seed": plan.seed, "agencies": len(created),
        "by_kind": dict(sorted(plan.counts().items())),
    }, note=f"批量生成演示区域“{plan.region_name}”的 {len(created)} 个机构（不逐个记录机构创建）。")
    return created


def _write_paths_and_supervisors(agencies: list[Agency]) -> None:
    # One prepared UPDATE run for every row: bulk_update's CASE expressions took seconds for a province.
    quote = connection.ops.quote_name
    column = {name: quote(Agency._meta.get_field(name).column) for name in ("path", "depth", "supervisor", "id")}
    sql = (f"UPDATE {quote(Agency._meta.db_table)} SET {column['path']} = %s, {column['depth']} = %s, "  # noqa: S608 - names from model meta
           f"{column['supervisor']} = %s WHERE {column['id']} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(a.path, a.depth, a.supervisor_id, a.pk) for a in agencies])


def _create_site(plan: RegionPlan, agencies: dict[str, Agency]) -> Site:
    s = plan.site
    site = Site.objects.create(name=s.name, is_portal=True, agency=agencies[s.agency], contact=s.contact,
                               site_id_code=s.site_id_code, icp_number=s.icp_number,
                               police_record_number=s.police_record_number)
    record("portal.site.create", site, agency=agencies[s.agency], after=snapshot(site))
    return site


def _create_users(plan: RegionPlan, agencies: dict[str, Agency]) -> None:
    password = demo_password_hash()
    user_model = get_user_model()
    for u in plan.users:
        user = user_model.objects.create(username=u.username, first_name=u.first_name, last_name=u.last_name,
                                         is_staff=u.is_superuser, is_superuser=u.is_superuser, password=password)
        for role, code in u.roles:
            grant_role(user, Role(role), agencies[code] if code else None)


# ---------------------------------------------------------------------------
# Logins, for `gongkai demo --print-logins`
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    roles: str
    agencies: str
    password: str


def demo_logins() -> list[DemoLogin]:
    """The demo users present in the database (whenever they were created), in a fixed order."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    assignments: dict[int, list[RoleAssignment]] = {}
    for a in RoleAssignment.objects.filter(user__in=users.values()).select_related("agency").order_by("id"):
        assignments.setdefault(a.user_id, []).append(a)
    expected_hash = demo_password_hash()
    labels = dict(Role.choices)
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        held = assignments.get(user.pk, [])
        roles = list(dict.fromkeys(labels[a.role] for a in held))
        if user.is_superuser and not roles:
            roles = ["超级用户"]
        places = list(dict.fromkeys(a.agency.name if a.agency else "全平台" for a in held))
        # The fast comparison works while the hasher settings are unchanged; otherwise check properly.
        still_demo = user.password == expected_hash or check_password(DEMO_PASSWORD, user.password)
        rows.append(DemoLogin(username=username, full_name=user.get_full_name(),
                              roles="、".join(roles) or "（无角色）", agencies="、".join(places) or "—",
                              password=DEMO_PASSWORD if still_demo else "（已修改）"))
    return rows
