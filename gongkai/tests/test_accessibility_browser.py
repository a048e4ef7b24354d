"""axe-core (WCAG 2.1 A and AA rules) on the main public and staff pages, at desktop and phone size, in headless
Chromium: no violation (issue 19, accessibility). axe also catches what no form test sees: an aria-describedby
naming a help text id that does not exist, a missing label, contrast, a table header without its cells."""

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from catalog import services as catalog_services
from catalog.models import Genre, Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
PUBLIC_PAGES = ["/", "/agencies/edu/", "/search/?q=%E8%B5%84%E5%8A%A9", "/apply/", "/letters/", "/corrections/",
                "/corrections/status/", "/consultations/", "/workbench/login/"]
STAFF_PAGES = ["/workbench/", "/workbench/documents/", "/workbench/documents/new/", "/workbench/requests/",
               "/workbench/letters/", "/workbench/corrections/", "/workbench/corrections/register/",
               "/workbench/reports/", "/workbench/checkup/", "/workbench/agencies/", "/workbench/jobs/"]


@pytest.fixture
def county(region, make_staff):
    make_staff("gkb", ("office_head", region["county"]), first_name="洋", last_name="刘")
    document = catalog_services.create_draft(
        publisher=region["edu"], title="关于做好2024年秋季学期学生资助工作的通知", summary="部署学生资助工作。",
        kind="other", statutory_item=1, written_on=date(2024, 9, 2), genre=Genre.objects.get(code="normative"),
        topic=Topic.objects.get(code="02"), body="<h2>一、目标</h2><p>资助全覆盖。</p>").document
    catalog_services.submit(document)
    catalog_services.pass_secrecy_review(document)
    return catalog_services.publish(document, on=date(2024, 9, 10)).document


def axe_violations(page) -> list[str]:
    found = Axe().run(page, options=WCAG_21_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize("size", SIZES)
def test_no_wcag_21_aa_violation(browser, live_server, county, size):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=SIZES[size])
    page = context.new_page()
    problems = {}
    for url in [*PUBLIC_PAGES, f"/documents/{county.pk}/"]:
        page.goto(url)
        problems[url] = axe_violations(page)
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("gkb")
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    for url in STAFF_PAGES:
        page.goto(url)
        problems[url] = axe_violations(page)
    context.close()
    assert {url: found for url, found in problems.items() if found} == {}


def test_the_checker_sees_a_violation(browser):
    """The check above can fail: an image without alt text and an unlabelled input are reported."""
    page = browser.new_page()
    page.set_content('<html lang="zh-CN"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
    found = " ".join(axe_violations(page))
    page.close()
    assert "image-alt" in found and "label" in found
