"""Published documents for the portal tests, made through catalog.services as the system would."""

from datetime import date

import pytest

from catalog import services
from catalog.models import Genre, Topic


@pytest.fixture
def genres(db):
    return {g.code: g for g in Genre.objects.all()}


@pytest.fixture
def topics(db):
    return {t.code: t for t in Topic.objects.all()}


@pytest.fixture
def publish(genres, topics):
    """publish(agency, title=…, on=date, genre="notice", …) → a published, proactive Document."""

    def make(agency, *, on=date(2024, 9, 10), genre="normative", topic="11", **fields):
        values = {"title": "关于做好2024年秋季学期学生资助工作的通知", "summary": "部署秋季学期学生资助工作。",
                  "kind": "other", "statutory_item": 1, "written_on": on, "body": "<p>各学校：</p><p>现将有关事项通知如下。</p>",
                  "genre": genres[genre], "topic": topics[topic] if topic else None}
        values.update(fields)
        document = services.create_draft(publisher=agency, **values).document
        services.submit(document)
        services.pass_secrecy_review(document)
        return services.publish(document, on=on).document

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached counts are keyed by the SQL; ids repeat between tests, so start each test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
