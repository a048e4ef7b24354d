"""Property tests of the public application form: whatever arrives in any field, the answer is a page (never
a server error), and a case exists only when the application was valid — and always when it was."""

import itertools

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure_requests import forms as request_forms
from disclosure_requests.identity import identity_error
from disclosure_requests.models import ApplicantType, DisclosureRequest

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db

VALID = {
    "applicant_type": ["natural_person"], "name": ["马文静", "张三"], "id_type": ["resident_id"],
    "id_number": [PLANTED_ID, "11010519491231002x"], "phone": ["13995123456", "0953-6012345"],
    "email": ["mwj@example.cn"], "address": ["盐池县花马池镇盐州路88号"], "postcode": ["751500", ""],
    "purpose": ["", "科研"], "requested_form": ["electronic", "paper"], "delivery_method": ["email", "post"],
    "legal_representative": [""], "contact_person": [""], "accessibility_assistance": ["", "on"],
}
ANYTHING = st.text(max_size=80)
serial = itertools.count()


def field(name):
    """Mostly a valid value, often anything at all."""
    return st.one_of(st.sampled_from(VALID[name]), ANYTHING)


application = st.fixed_dictionaries({name: field(name) for name in VALID} | {
    "description": st.one_of(st.just("VALID"), ANYTHING),
    "answer": st.one_of(st.just("RIGHT"), ANYTHING),
    "challenge": st.one_of(st.just("FRESH"), ANYTHING),
})


def _contains_nul(data):
    return any("\x00" in value for value in data.values() if isinstance(value, str))


def necessary_for_a_case(data) -> bool:
    """What any accepted application must satisfy (checked independently of the form's own code)."""
    number = "".join(data["id_number"].split()).upper()
    organisation = data["applicant_type"] in ApplicantType.values and data["applicant_type"] != "natural_person"
    return (data["answer_was_right"] and not _contains_nul(data)
            and data["applicant_type"] in ApplicantType.values
            and bool(data["name"].strip()) and bool(data["description"].strip())
            and identity_error(data["id_type"], number) is None
            and (data["id_type"] == "credit_code") == organisation
            and bool(data["phone"].strip() or data["email"].strip()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=application)
def test_arbitrary_input_never_errors_and_creates_a_case_only_when_valid(client, region, data):
    cache.clear()  # neither the rate limit nor spent tokens should decide the outcome here
    all_valid = all(data[name] in VALID[name] for name in VALID) and data["description"] == "VALID" \
        and data["answer"] == "RIGHT" and data["challenge"] == "FRESH"
    _question, token, answer = request_forms.issue_challenge()
    data = dict(data)
    if data["description"] == "VALID":
        data["description"] = f"第{next(serial)}份申请的政府信息"  # distinct, so never a duplicate
    data["answer_was_right"] = data["answer"] == "RIGHT" and data["challenge"] == "FRESH"
    if data["answer"] == "RIGHT":
        data["answer"] = str(answer)
    if data["challenge"] == "FRESH":
        data["challenge"] = token
    before = DisclosureRequest.objects.count()
    posted = {k: v for k, v in data.items() if k != "answer_was_right" and not (k == "accessibility_assistance" and not v)}
    response = client.post(reverse("disclosure_public:apply", kwargs={"code": region["edu"].code}), posted)
    assert response.status_code in (200, 302)
    created = DisclosureRequest.objects.count() - before
    assert created in (0, 1)
    if created:
        assert response.status_code == 302
        assert necessary_for_a_case(data), data
        case = DisclosureRequest.objects.order_by("-id").first()
        assert case.description == data["description"].strip()
    else:
        assert response.status_code == 200
    if all_valid:
        assert created == 1, response.content.decode()[:2000]
