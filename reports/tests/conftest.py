import pytest


@pytest.fixture
def head(region, make_staff):
    """The county's 公开办 head: compiles and approves the reports of the county's agencies."""
    return make_staff("county-head", ("office_head", region["county"]))


@pytest.fixture
def second_head(region, make_staff):
    """Another 公开办 head of the county: confirms the publication of a report that still has gaps (units
    未填报, cells blank), which the head who drafted it may not do (《中华人民共和国政府信息公开条例》第四十九条
    publication, reports.services.publish)."""
    return make_staff("county-head-2", ("office_head", region["county"]))


@pytest.fixture
def publish(second_head):
    """publish(report, on=None): publishes an approved report through the second head, with the reason a
    report with gaps needs (the tests' reports leave most entered figures blank)."""
    from reports import services

    def run(report, on=None):
        return services.publish(report, second_head, on=on, override_reason="部分单位本年度无相关数据，经核实后发布。")

    return run
