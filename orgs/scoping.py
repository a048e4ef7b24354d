"""The one mechanism that scopes every staff query by the user's agencies.

A role grants capabilities over an agency, either the agency alone or its whole subtree (公开办 roles).
Views, the API and exports call `scope_q` / `scope_queryset` / `ScopedObjectMixin`; nothing else decides
what a staff member may see.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Agency, Role, RoleAssignment


class Capability(StrEnum):
    ORGS_VIEW = "orgs.view"
    ORGS_MANAGE = "orgs.manage"
    ROLES_MANAGE = "roles.manage"
    AUDIT_VIEW = "audit.view"
    CALENDAR_MANAGE = "calendar.manage"
    CATALOG_VIEW = "catalog.view"
    CATALOG_DRAFT = "catalog.draft"
    CATALOG_REVIEW = "catalog.review"
    REQUESTS_VIEW = "requests.view"
    REQUESTS_HANDLE = "requests.handle"
    REQUESTS_APPROVE_EXTENSION = "requests.approve_extension"
    REPORTS_COMPILE = "reports.compile"
    REPORTS_APPROVE = "reports.approve"
    MONITORING_VIEW = "monitoring.view"
    INTERACTION_HANDLE = "interaction.handle"


@dataclass(frozen=True)
class RoleGrant:
    subtree: bool
    capabilities: frozenset[Capability]


C = Capability
_OFFICE_COMMON = {C.ORGS_VIEW, C.AUDIT_VIEW, C.CATALOG_VIEW, C.REQUESTS_VIEW, C.REQUESTS_HANDLE,
                  C.REPORTS_COMPILE, C.MONITORING_VIEW, C.INTERACTION_HANDLE}
ROLE_GRANTS: dict[Role, RoleGrant] = {
    Role.OFFICE_HEAD: RoleGrant(True, frozenset(_OFFICE_COMMON | {
        C.ORGS_MANAGE, C.ROLES_MANAGE, C.CATALOG_REVIEW, C.REQUESTS_APPROVE_EXTENSION, C.REPORTS_APPROVE})),
    Role.OFFICE_STAFF: RoleGrant(True, frozenset(_OFFICE_COMMON)),
    Role.EDITOR: RoleGrant(False, frozenset({C.ORGS_VIEW, C.CATALOG_VIEW, C.CATALOG_DRAFT})),
    Role.REVIEWER: RoleGrant(False, frozenset({C.ORGS_VIEW, C.CATALOG_VIEW, C.CATALOG_REVIEW})),
    Role.REQUEST_HANDLER: RoleGrant(False, frozenset({C.ORGS_VIEW, C.REQUESTS_VIEW, C.REQUESTS_HANDLE,
                                                      C.INTERACTION_HANDLE})),
}


@dataclass(frozen=True)
class Scope:
    """Where a user holds a capability: everywhere, or these subtrees (by path) and single agencies."""

    everywhere: bool = False
    subtree_paths: tuple[str, ...] = ()
    agency_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.subtree_paths or self.agency_ids)

    def q(self, agency_field: str = "agency") -> Q:
        """A filter on `agency_field` (a FK to Agency, or "" for Agency itself)."""
        if self.everywhere:
            return Q()
        prefix = f"{agency_field}__" if agency_field else ""
        query = Q(pk__in=[]) if not agency_field else Q(**{f"{agency_field}__in": []})
        for path in self.subtree_paths:
            query |= Q(**{f"{prefix}path__startswith": path})
        if self.agency_ids:
            query |= Q(**{f"{prefix}pk__in": sorted(self.agency_ids)})
        return query

    def path_q(self, path_field: str = "agency_path", id_field: str = "agency_id") -> Q:
        """The same filter for rows that store their agency's path (e.g. the audit trail, which keeps the
        path as it was when the row was written, so history stays visible after a reorganisation)."""
        if self.everywhere:
            return Q()
        query = Q(**{f"{id_field}__in": sorted(self.agency_ids)})
        for path in self.subtree_paths:
            query |= Q(**{f"{path_field}__startswith": path})
        return query

    def covers(self, agency: Agency | None) -> bool:
        if self.everywhere:
            return True
        if agency is None:
            return False
        return agency.pk in self.agency_ids or any(agency.path.startswith(p) for p in self.subtree_paths)


_CACHE_ATTR = "_gongkai_scopes"


def _assignments(user):
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {"rows": list(user.role_assignments.select_related("agency")), "scopes": {}}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def is_platform_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(a.role == Role.PLATFORM_ADMIN for a in _assignments(user)["rows"])


def scope_for(user, capability: Capability) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if is_platform_admin(user):
        return Scope(everywhere=True)
    cache = _assignments(user)
    if capability in cache["scopes"]:
        return cache["scopes"][capability]
    paths, ids = set(), set()
    for assignment in cache["rows"]:
        grant = ROLE_GRANTS.get(assignment.role)
        if not grant or capability not in grant.capabilities or assignment.agency is None:
            continue
        if grant.subtree:
            paths.add(assignment.agency.path)
        else:
            ids.add(assignment.agency_id)
    # A path that lies inside another path adds nothing.
    minimal = tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))
    scope = Scope(subtree_paths=minimal, agency_ids=frozenset(ids))
    cache["scopes"][capability] = scope
    return scope


def holders(capability: Capability, agency: Agency, *, exclude=None) -> list:
    """The people who hold `capability` for `agency` through a role (not platform administrators), nearest
    agency first: whom an action's message names as the next to act ("等待××审核")."""
    parts = [part for part in agency.path.strip("/").split("/") if part]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    people, seen = [], set()
    rows = (RoleAssignment.objects.filter(Q(agency=agency) | Q(agency__path__in=ancestors), user__is_active=True)
            .select_related("user", "agency").order_by("user_id"))
    for assignment in sorted(rows, key=lambda a: -len(a.agency.path)):
        grant = ROLE_GRANTS.get(assignment.role)
        if not grant or capability not in grant.capabilities:
            continue
        if assignment.agency_id != agency.pk and not grant.subtree:
            continue
        user = assignment.user
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        people.append(user)
    return people


def holder_names(capability: Capability, agency: Agency, *, exclude=None, limit: int = 3) -> str:
    """"张三、李四" (with their role), or "" when nobody holds it: for messages such as "等待××审核"."""
    people = holders(capability, agency, exclude=exclude)
    names = [p.display_name for p in people[:limit]]
    return "、".join(names) + ("等" if len(people) > limit else "")


def forget_scopes(user) -> None:
    """Call after changing a user's roles within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_capability(user, capability: Capability, agency: Agency | None = None) -> bool:
    scope = scope_for(user, capability)
    return not scope.is_empty if agency is None else scope.covers(agency)


def require_capability(user, capability: Capability, agency: Agency | None = None) -> None:
    if not has_capability(user, capability, agency):
        raise PermissionDenied("您没有该操作的权限。")


def scope_queryset(queryset: QuerySet, user, capability: Capability, agency_field: str = "agency") -> QuerySet:
    scope = scope_for(user, capability)
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(scope.q(agency_field))


def scoped_agencies(user, capability: Capability) -> QuerySet:
    return scope_queryset(Agency.objects.all(), user, capability, agency_field="")


class StaffRequiredMixin(LoginRequiredMixin):
    """Base of every workbench view: login, then (optionally) a capability anywhere."""

    capability: Capability | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.capability and not has_capability(request.user, self.capability):
            raise PermissionDenied("您没有访问此页面的权限。")
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin(StaffRequiredMixin):
    """For every view that takes an object from the URL: the object is looked up inside the user's scope
    only, so another agency's object is a 404. Tests enumerate the workbench URLs and require this mixin
    on every view whose URL carries an object id."""

    model = None
    scope_field = "agency"  # path from the model to its Agency FK; "" when the model is Agency

    def get_scope_queryset(self) -> QuerySet:
        return scope_queryset(self.model._default_manager.all(), self.request.user, self.capability,
                              self.scope_field)

    def get_queryset(self):
        return self.get_scope_queryset()

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        pk = self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))
        try:
            return queryset.get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("未找到该对象，或您无权查看。") from exc
