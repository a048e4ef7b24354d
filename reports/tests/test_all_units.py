"""Creating a report: 全选 without JavaScript — one checkbox takes the reporting agency and all its units
(issue 19: a county's report sums ~35 units); neither ticked nor 全选 is refused with a message."""

from datetime import date

from django.urls import reverse

from reports.models import AnnualReport


def test_all_units_takes_the_subtree_in_scope(region, make_staff, client, db):
    client.force_login(make_staff("gkb-staff", ("office_staff", region["county"])))
    year = date.today().year - 1
    response = client.post(reverse("reports:create"), {"agency": region["county"].pk, "year": year, "all_units": "on"})
    assert response.status_code == 302
    report = AnnualReport.objects.get(agency=region["county"], year=year)
    assert set(report.units.all()) == {region[k] for k in ("county", "office", "edu", "health", "town")}
    assert region["other"] not in report.units.all()  # the neighbouring county is not in the subtree


def test_no_units_is_refused_with_a_message(region, make_staff, client, db):
    client.force_login(make_staff("gkb-staff", ("office_staff", region["county"])))
    response = client.post(reverse("reports:create"), {"agency": region["county"].pk, "year": date.today().year - 1})
    assert response.status_code == 200
    assert "请勾选汇总单位，或勾选“全选”汇总全部下级单位。" in response.content.decode()
    assert not AnnualReport.objects.exists()
