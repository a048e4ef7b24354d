from datetime import date, timedelta

import pytest

from catalog.models import Document, DocumentStatus, Genre
from catalog.tests.conftest import draft_fields, genres, topic  # noqa: F401 - shared fixtures

TODAY = date(2024, 10, 15)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def doc(region):
    """doc("edu", "news", days_ago=3, **fields) → a published, proactively disclosed Document. Written with the
    ORM: the rules read stored fields, and the publishing workflow has its own tests in catalog."""
    counter = {"n": 0}

    def make(agency="edu", genre="news", days_ago=1, **fields):
        counter["n"] += 1
        published_on = TODAY - timedelta(days=days_ago) if days_ago is not None else None
        values = {"title": f"测试信息{counter['n']}", "publisher": region[agency],
                  "genre": Genre.objects.get(code=genre), "status": DocumentStatus.PUBLISHED,
                  "published_on": published_on, "written_on": published_on, "publication_lag_wd": 0}
        values.update(fields)
        return Document.objects.create(**values)

    return make


@pytest.fixture
def fresh_region(doc):
    """Every agency of county A and of the neighbouring county publishes news, a notice and a policy
    document today: no rule fires, so each test adds just the fault it is about."""
    for key in ("county", "office", "edu", "health", "town", "other", "other_edu"):
        doc(key, "news", 0)
        doc(key, "notice", 0)
        doc(key, "normative", 0, kind="other")
