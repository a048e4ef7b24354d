"""领导信箱: publication reviewed by someone other than the reply's author, and the writer's 满意度评价
(docs/law/letters-mailbox.md §4 and §5; 国办发〔2019〕51号 for the five grades)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from mailboxes import services, statistics
from mailboxes.models import Letter, Satisfaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(write, handler):
    letter = services.screen(write(on=(2024, 9, 25)), user=handler, valid=True, on=date(2024, 9, 26))
    return services.reply(letter, user=handler, text="报名时间为7月。", on=date(2024, 9, 30))


def test_the_reply_author_cannot_approve_its_own_publication(answered, handler, reviewer, client):
    """A reply goes public only after a second person reviews it; the author may propose but not approve."""
    assert answered.replied_by == handler
    letter = services.propose_publication(answered, user=handler, public_body="请问报名时间？",
                                          public_reply="报名时间为7月。")
    assert letter.publication_pending and letter.published_at is None
    with pytest.raises(ValidationError, match="不能审核自己的"):
        services.approve_publication(letter, user=handler)
    reply_url = reverse("mailboxes_public:reply", kwargs={"number": letter.number})
    assert client.get(reply_url).status_code == 404
    letter = services.approve_publication(letter, user=reviewer)
    assert letter.published_at is not None and letter.publication_reviewed_by == reviewer
    assert client.get(reply_url).status_code == 200
    actions = list(AuditEntry.objects.filter(object_id=str(letter.pk)).values_list("action", flat=True))
    assert "letters.propose_publication" in actions and "letters.approve_publication" in actions


def test_the_proposer_cannot_approve_either(answered, handler, reviewer, make_staff, region):
    third = make_staff("letters-third", ("office_head", region["county"]))
    letter = services.propose_publication(answered, user=reviewer, public_body="问", public_reply="答")
    for person in (handler, reviewer):  # the reply's author, the proposer
        with pytest.raises(ValidationError):
            services.approve_publication(letter, user=person)
    assert services.approve_publication(letter, user=third).published_at is not None


def test_a_returned_proposal_publishes_nothing_and_can_be_proposed_again(answered, handler, reviewer):
    letter = services.propose_publication(answered, user=handler, public_body="问", public_reply="答")
    with pytest.raises(ValidationError):
        services.return_publication(letter, user=reviewer, reason=" ")
    letter = services.return_publication(letter, user=reviewer, reason="答复内容需补充政策依据")
    assert not letter.publication_pending and letter.published_at is None
    assert letter.publication_returned_note == "答复内容需补充政策依据"
    with pytest.raises(ValidationError, match="没有待审核"):
        services.approve_publication(letter, user=reviewer)
    letter = services.propose_publication(letter, user=handler, public_body="问", public_reply="答：依据某文件")
    assert letter.publication_pending and letter.publication_returned_note == ""


def test_the_workbench_offers_review_only_to_another_person(answered, handler, reviewer, client):
    services.propose_publication(answered, user=handler, public_body="请问报名时间？", public_reply="7月。")
    url = reverse("mailboxes:detail", args=[answered.pk])
    client.force_login(handler)
    page = client.get(url).content.decode()
    assert "等待其他工作人员审核" in page and "审核通过并公开" not in page
    response = client.post(reverse("mailboxes:approve_publication", args=[answered.pk]))
    assert Letter.objects.get(pk=answered.pk).published_at is None and response.status_code in (200, 400)
    client.force_login(reviewer)
    assert "审核通过并公开" in client.get(url).content.decode()
    response = client.post(reverse("mailboxes:approve_publication", args=[answered.pk]), follow=True)
    assert "答复已在门户网站公开" in response.content.decode()
    assert Letter.objects.get(pk=answered.pk).published_at is not None


def _rate(client, letter, **data):
    return client.post(reverse("mailboxes_public:rate"),
                       {"number": letter.number, "lookup_code": letter.lookup_code, **data})


def test_the_writer_rates_an_answered_letter_once(answered, client):
    """满意度评价: five grades (国办发〔2019〕51号), once per letter, proven by 来信编号 + 查询码."""
    page = client.post(reverse("mailboxes_public:status"),
                       {"number": answered.number, "lookup_code": answered.lookup_code}).content.decode()
    assert "评价本次答复" in page and "非常不满意" in page
    response = _rate(client, answered, satisfaction="dissatisfied", comment="答复太笼统")
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    letter = Letter.objects.get(pk=answered.pk)
    assert letter.satisfaction == Satisfaction.DISSATISFIED and letter.poorly_rated
    again = _rate(client, letter, satisfaction="very_satisfied")
    assert again.status_code == 400 and "只能评价一次" in again.content.decode()
    assert Letter.objects.get(pk=answered.pk).satisfaction == Satisfaction.DISSATISFIED
    entry = AuditEntry.objects.filter(action="letters.rate").get()
    assert "答复太笼统" not in str(entry.after) and entry.actor_label.startswith("来信人")


def test_a_wrong_code_or_an_open_letter_cannot_be_rated(write, answered, client):
    wrong = client.post(reverse("mailboxes_public:rate"),
                        {"number": answered.number, "lookup_code": "ZZZZZZZZ", "satisfaction": "satisfied"})
    assert wrong.status_code == 404 and "查询码不正确" in wrong.content.decode()
    unanswered = write(on=(2024, 9, 27))
    response = _rate(client, unanswered, satisfaction="satisfied")
    assert response.status_code == 400 and "答复后才能评价" in response.content.decode()
    assert not Letter.objects.filter(rated_at__isnull=False).exists()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(satisfaction=st.one_of(st.sampled_from(Satisfaction.values), st.text(max_size=20)),
       comment=st.text(max_size=600))
def test_rating_form_input_is_validated(answered, client, satisfaction, comment):
    cache.clear()  # the lookup limit would refuse later examples
    Letter.objects.filter(pk=answered.pk).update(satisfaction="", satisfaction_comment="", rated_at=None)
    response = _rate(client, answered, satisfaction=satisfaction, comment=comment)
    letter = Letter.objects.get(pk=answered.pk)
    accepted = satisfaction in Satisfaction.values and len(comment.strip()) <= 500 and "\x00" not in comment
    if response.status_code == 200:
        assert letter.satisfaction == satisfaction and letter.rated_at is not None
    else:
        assert response.status_code == 400 and letter.rated_at is None
        assert not accepted or len(comment) > 500


def test_statistics_count_ratings_and_poor_ones(write, handler, client):
    for on, grade in (((2024, 9, 2), "very_satisfied"), ((2024, 9, 3), "fairly_satisfied"),
                      ((2024, 9, 4), "very_dissatisfied")):
        letter = services.screen(write(on=on), user=handler, valid=True, on=date(*on))
        letter = services.reply(letter, user=handler, text="答复", on=date(2024, 9, 30))
        services.rate_reply(letter, satisfaction=grade)
    stats = statistics.compute(Letter.objects.all(), date(2024, 10, 1))
    assert (stats.rated, stats.poorly_rated, stats.satisfaction_rate) == (3, 1, 66.7)
