import pytest


@pytest.fixture
def head(region, make_staff):
    """The county's 公开办 head: compiles, approves and publishes the county's reports, and checks them."""
    return make_staff("county-head", ("office_head", region["county"]))
