import pytest


@pytest.fixture
def head(region, make_staff):
    """The county's 公开办 head: compiles and approves the reports of the county's agencies."""
    return make_staff("county-head", ("office_head", region["county"]))
