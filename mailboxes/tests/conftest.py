from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from mailboxes import services
from mailboxes.models import Mailbox

WRITER = services.WriterData(name="马文静", phone="13995123456", email="mwj@example.cn",
                             address="盐池县花马池镇盐州路88号")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailbox(region):
    return Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")


@pytest.fixture
def handler(make_staff, region):
    return make_staff("letters-office", ("office_head", region["county"]))


@pytest.fixture
def reviewer(make_staff, region):
    """A second person of the same office: publication needs someone other than the reply's author."""
    return make_staff("letters-reviewer", ("office_head", region["county"]))


def at(y, m, d, hour=10):
    return timezone.make_aware(datetime(y, m, d, hour))


@pytest.fixture
def write(mailbox):
    def make(on=(2024, 9, 25), letter_type="inquiry", consent=True, box=None, **kw):
        return services.submit_letter(mailbox=box or mailbox, writer=kw.pop("writer", WRITER), letter_type=letter_type,
                                      subject=kw.pop("subject", "学校招生咨询"),
                                      body=kw.pop("body", "请问今年小学招生的报名时间？"),
                                      consent_to_publish=consent, submitted_at=at(*on), **kw)
    return make
