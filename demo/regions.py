"""What a demo builder is given as its region: a demo.generator.RegionSummary, a mapping of names to
agencies (or their ids), or the agencies (or ids) themselves."""

from collections.abc import Mapping

from orgs.models import Agency


def region_agency_ids(region) -> list[int]:
    if hasattr(region, "agency_ids"):
        ids = region.agency_ids.values()
    elif isinstance(region, Mapping):
        ids = region.values()
    else:
        ids = region
    return [getattr(i, "pk", i) for i in ids]


def agencies_of(region) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=region_agency_ids(region)).order_by("path"))
