"""The public application form beyond the automatic checks (issue 19, accessibility): browsers may fill in the
applicant's name, address and postcode, and a failed submit says so in the page title and puts the focus on
the list of errors."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_personal_fields_can_be_filled_in_by_the_browser(client, region):
    page = client.get(reverse("disclosure_public:apply", kwargs={"code": region["edu"].code})).content.decode()
    for name, token in (("name", "name"), ("address", "street-address"), ("postcode", "postal-code"),
                        ("phone", "tel"), ("email", "email")):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'autocomplete="{token}"' in tag, tag
    assert 'autocomplete="off"' in re.search(r'<input[^>]*name="id_number"[^>]*>', page).group(0)


def test_a_failed_submit_is_announced(client, region):
    response = client.post(reverse("disclosure_public:apply", kwargs={"code": region["edu"].code}), {"name": ""})
    page = response.content.decode()
    assert re.search(r"<title>有错误：", page)
    summary = re.search(r'<div class="message message-error error-summary"[^>]*>', page).group(0)
    assert "autofocus" in summary and 'role="alert"' in summary
    assert re.search(r'<a href="#id_\w+">', page)  # each error links to its field
