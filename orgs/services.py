"""The one place where agencies, reorganisations and role assignments change."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record, snapshot

from .models import Agency, AgencySuccession, Role, RoleAssignment, SuccessionKind
from .scoping import forget_scopes

AGENCY_FIELDS = [
    "code", "name", "short_name", "kind", "level", "parent", "supervisor", "credit_code", "division_code",
    "index_prefix", "disclosure_office_name", "address", "postcode", "phone", "fax", "email", "website",
    "office_hours", "authorised_by_law", "review_jurisdiction", "superior_department", "superior_government",
    "sort_order", "established_on", "dissolved_on",
]


def _set_path(agency: Agency) -> None:
    parent_path = agency.parent.path if agency.parent_id else "/"
    agency.path = f"{parent_path}{agency.pk}/"
    agency.depth = parent_path.count("/") - 1


@transaction.atomic
def create_agency(**fields) -> Agency:
    agency = Agency(**fields)
    if agency.credit_code == "":
        agency.credit_code = None
    agency.full_clean(exclude=["path", "depth"])
    agency.save()
    _set_path(agency)
    Agency.objects.filter(pk=agency.pk).update(path=agency.path, depth=agency.depth)
    record("orgs.agency.create", agency, after=snapshot(agency))
    return agency


@transaction.atomic
def update_agency(agency: Agency, **changes) -> Agency:
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = snapshot(agency)
    old_path = agency.path
    for name, value in changes.items():
        setattr(agency, name, value)
    if agency.credit_code == "":
        agency.credit_code = None
    if agency.parent_id and agency.parent_id == agency.pk:
        raise ValidationError({"parent": "上级机关不能是本机关。"})
    if agency.parent_id:
        parent = Agency.objects.get(pk=agency.parent_id)
        if parent.path.startswith(old_path):
            raise ValidationError({"parent": "上级机关不能是本机关的下级机关。"})
        agency.parent = parent
    agency.full_clean(exclude=["path", "depth"])
    _set_path(agency)
    agency.save()
    if agency.path != old_path:
        _rewrite_subtree_paths(old_path, agency.path)
    after = snapshot(agency)
    if after != before:
        record("orgs.agency.update", agency, before=before, after=after)
    return agency


def _rewrite_subtree_paths(old_prefix: str, new_prefix: str) -> None:
    descendants = Agency.objects.filter(path__startswith=old_prefix).exclude(path=old_prefix)
    changed = []
    for node in descendants:
        node.path = new_prefix + node.path[len(old_prefix):]
        node.depth = node.path.count("/") - 2
        changed.append(node)
    Agency.objects.bulk_update(changed, ["path", "depth"], batch_size=500)


@transaction.atomic
def reorganise(kind: SuccessionKind, predecessors: Iterable[Agency], successors: Iterable[Agency],
               effective_on: date, note: str = "", primary_successor: Agency | None = None) -> list[AgencySuccession]:
    """机构改革. Merge: many → one. Split: one → many (one `primary_successor` takes over cases, documents
    and statistics). Rename / abolish: one → one. Predecessors are dissolved from `effective_on`, their
    children move to the (primary) successor, and nothing attributed to them is rewritten: reports ask
    `reporting_agency()` at the date of each event."""
    # Re-read under lock: the caller's objects may be stale (e.g. dissolved by an earlier reorganisation).
    predecessors = list(Agency.objects.select_for_update().filter(pk__in=[a.pk for a in predecessors]))
    successors = list(Agency.objects.filter(pk__in=[a.pk for a in successors]))
    if not predecessors or not successors:
        raise ValidationError("机构改革需要至少一个原机构和一个继任机构。")
    if set(p.pk for p in predecessors) & set(s.pk for s in successors):
        raise ValidationError("原机构和继任机构不能相同。")
    if kind == SuccessionKind.MERGE and len(successors) != 1:
        raise ValidationError("合并只能有一个继任机构。")
    if kind == SuccessionKind.SPLIT:
        if len(predecessors) != 1 or len(successors) < 2:
            raise ValidationError("拆分应为一个原机构、两个以上继任机构。")
        if primary_successor is None or primary_successor.pk not in {s.pk for s in successors}:
            raise ValidationError("拆分时须指定承接原机构未结事项的继任机构。")
    if kind in (SuccessionKind.RENAME, SuccessionKind.ABOLISH) and (len(predecessors) != 1 or len(successors) != 1):
        raise ValidationError("更名或撤销应为一个原机构、一个继任机构。")
    primary = primary_successor or successors[0]
    for predecessor in predecessors:
        if predecessor.dissolved_on is not None:
            raise ValidationError(f"“{predecessor}”已于{predecessor.dissolved_on}撤销，不能再次改革。")
    created = []
    for predecessor in predecessors:
        for successor in successors:
            created.append(AgencySuccession.objects.create(
                predecessor=predecessor, successor=successor, kind=kind, effective_on=effective_on,
                takes_over_cases=successor.pk == primary.pk, note=note))
        update_agency(predecessor, dissolved_on=effective_on)
        for child in Agency.objects.filter(parent=predecessor, dissolved_on__isnull=True):
            update_agency(child, parent=primary)
    record("orgs.agency.reorganise", primary, after={
        "kind": kind, "predecessors": [p.pk for p in predecessors], "successors": [s.pk for s in successors],
        "primary_successor": primary.pk, "effective_on": effective_on, "note": note})
    return created


def reporting_agency_id(agency_id: int, on_date: date, successions: list[AgencySuccession] | None = None) -> int:
    """The agency that answers, on `on_date`, for what `agency_id` held: follow the case-taking
    successions in force on that date (a chain of reorganisations is followed to its end)."""
    if successions is None:
        successions = list(AgencySuccession.objects.filter(takes_over_cases=True))
    forward = {s.predecessor_id: s for s in successions if s.takes_over_cases}
    seen = set()
    current = agency_id
    while current in forward and forward[current].effective_on <= on_date and current not in seen:
        seen.add(current)
        current = forward[current].successor_id
    return current


def reporting_agency(agency: Agency, on_date: date) -> Agency:
    target = reporting_agency_id(agency.pk, on_date)
    return agency if target == agency.pk else Agency.objects.get(pk=target)


@transaction.atomic
def grant_role(user, role: Role, agency: Agency | None, granted_by=None) -> RoleAssignment:
    if role == Role.PLATFORM_ADMIN:
        agency = None
    elif agency is None:
        raise ValidationError("除平台管理员外，角色必须指定机构。")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, agency=agency, defaults={"granted_by": granted_by})
    if created:
        record("orgs.role.grant", assignment, agency=agency,
               after={"user": user.get_username(), "role": role, "agency": agency.pk if agency else None})
    forget_scopes(user)
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment) -> None:
    record("orgs.role.revoke", assignment, agency=assignment.agency,
           before={"user": assignment.user.get_username(), "role": assignment.role,
                   "agency": assignment.agency_id})
    assignment.delete()
    forget_scopes(assignment.user)
