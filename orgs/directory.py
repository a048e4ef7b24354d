"""The agency directory's grouping, shared by the portal's directory and the public application form (it
lives in orgs so that the case apps need not import the portal)."""

from .models import AgencyKind, AgencyLevel


def group_agencies(agencies):
    """The usual grouping of a government portal's agency directory."""
    groups = {"政府及办公室": [], "政府部门": [], "直属事业单位": [], "乡镇（街道）": [], "其他": []}
    for agency in agencies:
        if agency.level == AgencyLevel.TOWNSHIP:
            groups["乡镇（街道）"].append(agency)
        elif agency.kind == AgencyKind.PUBLIC_INSTITUTION:
            groups["直属事业单位"].append(agency)
        elif agency.kind == AgencyKind.GOVERNMENT:
            groups["政府及办公室"].append(agency)
        elif agency.kind == AgencyKind.DEPARTMENT:
            groups["政府部门"].append(agency)
        else:
            groups["其他"].append(agency)
    return [(name, items) for name, items in groups.items() if items]
