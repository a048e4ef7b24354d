import pytest

from catalog.models import Genre, Topic


@pytest.fixture
def genres(db):
    return {g.code: g for g in Genre.objects.all()}


@pytest.fixture
def topic(db):
    return Topic.objects.get(code="02")


@pytest.fixture
def editorial(region, make_staff):
    """An editor and a reviewer of 教育局, and an editor of the neighbouring county."""
    return {
        "editor": make_staff("edu-editor", ("editor", region["edu"])),
        "reviewer": make_staff("edu-reviewer", ("reviewer", region["edu"])),
        "other_editor": make_staff("other-editor", ("editor", region["other_edu"])),
    }


@pytest.fixture
def draft_fields(genres, topic):
    def make(**overrides):
        fields = {"title": "关于做好2024年秋季学期学生资助工作的通知", "document_number": "盐教发〔2024〕12号",
                  "summary": "部署秋季学期学生资助工作。", "genre": genres["normative"], "topic": topic,
                  "kind": "normative_document", "statutory_item": 1, "written_on": __import__("datetime").date(2024, 9, 2),
                  "body": "<p>各学校：</p><p>现将有关事项通知如下。</p>"}
        fields.update(overrides)
        return fields
    return make
