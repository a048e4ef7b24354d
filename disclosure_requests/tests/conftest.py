from datetime import date

import pytest

from disclosure_requests.services import ApplicantData

# A valid 18-digit 居民身份证号码 (check character computed by GB 11643), planted so privacy tests can look for it.
PLANTED_ID = "11010519491231002X"


@pytest.fixture
def person():
    def make(**overrides):
        data = {"applicant_type": "natural_person", "name": "马文静", "id_type": "resident_id",
                "id_number": PLANTED_ID, "phone": "13995123456", "email": "mwj@example.cn",
                "address": "盐池县花马池镇盐州路88号", "postcode": "751500"}
        data.update(overrides)
        return ApplicantData(**data)
    return make


@pytest.fixture
def handlers(region, make_staff):
    return {
        "handler": make_staff("edu-handler", ("request_handler", region["edu"])),
        "head": make_staff("gkb-head", ("office_head", region["county"])),
        "other_handler": make_staff("other-handler", ("request_handler", region["other_edu"])),
    }


@pytest.fixture
def in_person(region, person, handlers):
    """Register an in-person application received on `on` at 教育局."""
    from disclosure_requests import services

    def make(on: date, **overrides):
        fields = {"agency": region["edu"], "user": handlers["handler"], "channel": "in_person",
                  "applicant": person(), "description": "2024年学生资助资金分配文件", "requested_form": "electronic",
                  "delivery_method": "email", "submitted_on": on}
        fields.update(overrides)
        return services.register(**fields)
    return make
