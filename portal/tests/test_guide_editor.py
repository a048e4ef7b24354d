"""The workbench editor of each agency's 政府信息公开指南 and 政府信息公开制度 (portal.services, portal.staff_views)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from audit.context import acting_as
from audit.models import AuditEntry
from catalog import services as catalog_services
from catalog.models import Genre
from orgs.services import update_agency
from portal import services, staff_views
from portal.models import DisclosureGuide
from portal.views import DEFAULT_GUIDE

pytestmark = pytest.mark.django_db

LIMIT = 10_000
EMPTY = {"intro": "", "classification": "", "access_methods": ""}


@pytest.fixture
def head(region, make_staff):
    """公开办负责人 of 演示县: 审核 (CATALOG_REVIEW) over the whole county."""
    return make_staff("head", ("office_head", region["county"]), first_name="洋", last_name="刘")


def guide_page(client, code):
    response = client.get(reverse("portal:agency_guide", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def edit_url(agency, **query):
    url = reverse("portal_staff:edit", kwargs={"agency_id": agency.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def selection(agency):
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    return sorted(guide.system_documents.values_list("pk", flat=True)) if guide else []


# --- Texts ------------------------------------------------------------------------------------------------------

def test_saved_text_appears_on_the_public_guide_page(client, region, head):
    services.save_guide(region["edu"], intro="演示县教育局负责本局政府信息公开工作。",
                        classification="", access_methods="请到本局一楼查阅室查阅。\r\n也可以网上申请。", user=head)
    guide = DisclosureGuide.objects.get(agency=region["edu"])
    assert guide.access_methods == "请到本局一楼查阅室查阅。\n也可以网上申请。"  # CRLF from the textarea
    page = guide_page(client, "edu")
    assert "演示县教育局负责本局政府信息公开工作。" in page
    assert "请到本局一楼查阅室查阅。<br>也可以网上申请。" in page
    assert DEFAULT_GUIDE["intro"] not in page and "第二十七条至第二十九条" not in page
    assert "四个栏目" in page  # classification left empty: the default text
    assert "演示县教育局负责" not in guide_page(client, "health")  # the other agencies keep theirs


def test_empty_or_blank_text_falls_back_to_the_default(client, region, head):
    services.save_guide(region["edu"], intro="本局自编的概述。", classification="自编分类。", access_methods="自编方式。",
                        user=head)
    services.save_guide(region["edu"], intro="", classification=" \r\n\t ", access_methods="自编方式。", user=head)
    guide = DisclosureGuide.objects.get(agency=region["edu"])
    assert (guide.intro, guide.classification, guide.access_methods) == ("", "", "自编方式。")
    page = guide_page(client, "edu")
    assert "为了更好地提供政府信息公开服务" in page and "四个栏目" in page  # defaults of intro, classification
    assert "自编方式。" in page and "本局自编的概述。" not in page


def test_length_limit_counts_a_line_break_once_and_refuses_one_character_more(region, head):
    exactly = "甲" * 5000 + "\r\n" + "乙" * 4999  # 5000 + 1 + 4999 = 10,000 after CRLF → LF
    services.save_guide(region["edu"], **EMPTY | {"intro": exactly}, user=head)
    assert len(DisclosureGuide.objects.get(agency=region["edu"]).intro) == LIMIT
    with pytest.raises(ValidationError) as raised:
        services.save_guide(region["edu"], **EMPTY | {"intro": "新", "classification": "丙" * (LIMIT + 1)},
                            user=head)
    assert raised.value.message_dict == {
        "classification": ["“信息分类和编排体系”最多 10000 个字，现有 10001 个字，请精简后再保存。"]}
    guide = DisclosureGuide.objects.get(agency=region["edu"])
    assert guide.intro == exactly.replace("\r\n", "\n") and guide.classification == ""  # nothing changed


def test_control_characters_are_refused(region, head):
    for bad in ("概述\x00", "概\x07述", "\x1b[31m红色"):
        with pytest.raises(ValidationError) as raised:
            services.save_guide(region["edu"], **EMPTY | {"intro": bad}, user=head)
        assert raised.value.message_dict == {"intro": ["“概述”含有不可见的控制字符，请删除后再保存。"]}
    assert not DisclosureGuide.objects.filter(agency=region["edu"]).exclude(intro="").exists()


def test_saving_is_audited_with_before_and_after(region, head):
    with acting_as(head):
        services.save_guide(region["edu"], **EMPTY | {"intro": "第一稿。"}, user=head)
        services.save_guide(region["edu"], **EMPTY | {"intro": "第二稿。"}, user=head)
        services.save_guide(region["edu"], **EMPTY | {"intro": "第二稿。"}, user=head)  # no change: no entry
    entries = list(AuditEntry.objects.filter(action="portal.guide.save").order_by("id"))
    assert len(entries) == 2
    last = entries[-1]
    assert last.before == {"intro": "第一稿。", "classification": "", "access_methods": ""}
    assert last.after == {"intro": "第二稿。", "classification": "", "access_methods": ""}
    assert last.agency == region["edu"] and last.agency_path == region["edu"].path
    assert last.actor == head and last.actor_label == "刘洋"
    assert last.object_type == "portal.disclosureguide"


# --- Permission -------------------------------------------------------------------------------------------------

def test_only_reviewers_of_the_agency_may_change_its_guide(region, head, make_staff, publish):
    document = publish(region["edu"], title="演示县教育局政府信息公开工作制度")
    neighbour = make_staff("b-head", ("office_head", region["other"]))
    office_staff = make_staff("a-staff", ("office_staff", region["county"]))  # no 审核 capability
    editor = make_staff("a-editor", ("editor", region["edu"]))
    reviewer = make_staff("edu-reviewer", ("reviewer", region["edu"]))
    for user in (neighbour, office_staff, editor, None):
        with pytest.raises(PermissionDenied):
            services.save_guide(region["edu"], **EMPTY | {"intro": "越权"}, user=user)
        with pytest.raises(PermissionDenied):
            services.set_system_documents(region["edu"], [document.pk], user)
    with pytest.raises(PermissionDenied):  # a reviewer's role covers its own agency only
        services.save_guide(region["health"], **EMPTY | {"intro": "越权"}, user=reviewer)
    assert not DisclosureGuide.objects.exists()
    services.save_guide(region["edu"], **EMPTY | {"intro": "本局审核人员编写。"}, user=reviewer)
    services.save_guide(region["town"], **EMPTY | {"intro": "县公开办代编。"}, user=head)  # subtree
    assert DisclosureGuide.objects.get(agency=region["edu"]).intro == "本局审核人员编写。"


# --- 政府信息公开制度 -------------------------------------------------------------------------------------------

@pytest.fixture
def documents(region, publish):
    """Documents of every kind the 制度 selection must tell apart."""
    docs = {
        "own": publish(region["edu"], title="演示县教育局政府信息公开工作制度", genre="other-document"),
        "own2": publish(region["edu"], title="演示县教育局政府信息公开保密审查制度", genre="other-document"),
        "sibling": publish(region["health"], title="演示县卫生健康局政府信息公开工作制度"),
        "foreign": publish(region["other_edu"], title="邻县教育局政府信息公开工作制度"),
        "parent": publish(region["county"], title="演示县人民政府政府信息公开工作制度"),
        "joint": publish(region["health"], title="关于联合建立政府信息公开工作制度的通知",
                         co_publishers=[region["edu"]]),
        "on_request": publish(region["edu"], title="依申请公开的工作制度", disclosure_attribute="on_request",
                              legal_basis="《中华人民共和国政府信息公开条例》第二十七条"),
    }
    docs["draft"] = catalog_services.create_draft(
        publisher=region["edu"], title="起草中的政府信息公开工作制度", summary="草稿",
        genre=Genre.objects.get(code="notice")).document
    docs["withdrawn"] = publish(region["edu"], title="已撤回的政府信息公开工作制度")
    catalog_services.withdraw(docs["withdrawn"], reason="错发")
    return docs


def test_public_documents_of_the_agency_itself_and_its_joint_ones_may_be_chosen(client, region, head, documents):
    chosen = [documents["own"].pk, documents["joint"].pk]
    services.set_system_documents(region["edu"], chosen, head)
    assert selection(region["edu"]) == sorted(chosen)
    page = client.get(reverse("portal:agency_system", args=["edu"])).content.decode()
    assert "演示县教育局政府信息公开工作制度" in page and "关于联合建立政府信息公开工作制度的通知" in page
    assert "演示县教育局政府信息公开保密审查制度" not in page


@pytest.mark.parametrize("key", ["sibling", "foreign", "parent", "draft", "withdrawn", "on_request"])
def test_other_agencies_and_non_public_documents_cannot_be_chosen(region, head, documents, key):
    services.set_system_documents(region["edu"], [documents["own"].pk], head)
    with pytest.raises(ValidationError) as raised:
        services.set_system_documents(region["edu"], [documents["own"].pk, documents[key].pk], head)
    assert raised.value.messages == [
        f"有 1 件所选文件不能列入政府信息公开制度：只能选择本机关已发布的主动公开信息（文件编号 {documents[key].pk}）。"]
    assert selection(region["edu"]) == [documents["own"].pk]  # nothing changed
    with pytest.raises(ValidationError):
        services.change_system_documents(region["edu"], add=[documents[key].pk], user=head)
    assert selection(region["edu"]) == [documents["own"].pk]


def test_malformed_or_missing_ids_are_refused(region, head, documents):
    for bad in (["abc"], ["0"], [-3], [None]):
        with pytest.raises(ValidationError) as raised:
            services.set_system_documents(region["edu"], bad, head)
        assert raised.value.messages == ["所选文件无效，请重新选择。"]
    with pytest.raises(ValidationError):
        services.set_system_documents(region["edu"], [10_000_000], head)
    assert selection(region["edu"]) == []


def test_a_document_withdrawn_after_being_chosen_may_stay_until_removed(region, head, documents):
    services.set_system_documents(region["edu"], [documents["own"].pk, documents["own2"].pk], head)
    catalog_services.withdraw(documents["own2"], reason="制度已修订")
    services.change_system_documents(region["edu"], add=[documents["joint"].pk], user=head)  # own2 not in the way
    assert selection(region["edu"]) == sorted([documents["own"].pk, documents["own2"].pk, documents["joint"].pk])
    services.change_system_documents(region["edu"], remove=[documents["own2"].pk], user=head)
    assert selection(region["edu"]) == sorted([documents["own"].pk, documents["joint"].pk])


def test_choosing_documents_is_audited(region, head, documents):
    with acting_as(head):
        services.set_system_documents(region["edu"], [documents["own2"].pk, documents["own"].pk], head)
        services.set_system_documents(region["edu"], [documents["own"].pk, documents["own2"].pk], head)  # same
    entries = list(AuditEntry.objects.filter(action="portal.guide.system_documents"))
    assert len(entries) == 1
    assert entries[0].before == {"system_documents": []}
    assert entries[0].after == {"system_documents": sorted([documents["own"].pk, documents["own2"].pk])}
    assert entries[0].agency == region["edu"] and entries[0].actor == head


# --- Pages ------------------------------------------------------------------------------------------------------

def test_the_list_shows_the_agencies_in_scope_with_their_last_update(client, region, head):
    services.save_guide(region["edu"], **EMPTY | {"intro": "已编写。"}, user=head)
    updated = DisclosureGuide.objects.get(agency=region["edu"]).updated_at
    client.force_login(head)
    response = client.get(reverse("portal_staff:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("county", "office", "edu", "health", "town"):
        assert region[key].name in page and edit_url(region[key]) in page
    assert region["other"].name not in page and region["other_edu"].name not in page
    assert timezone.localtime(updated).strftime("%Y-%m-%d %H:%M") in page
    assert page.count("未编写（显示默认文字）") == 4
    assert '<a href="/workbench/guides/" aria-current="page">公开指南和制度</a>' in page  # the menu entry


def test_staff_without_review_capability_are_refused(client, region, make_staff):
    client.force_login(make_staff("a-staff", ("office_staff", region["county"])))
    assert client.get(reverse("portal_staff:index")).status_code == 403
    assert client.get(edit_url(region["edu"])).status_code == 403
    assert "公开指南和制度" not in client.get(reverse("workbench:home")).content.decode()


def test_the_edit_page_shows_the_texts_the_contact_block_and_the_links(client, region, head):
    update_agency(region["edu"], address="花马池镇盐州路1号", phone="0953-6012345",
                  disclosure_office_name="演示县教育局办公室")
    services.save_guide(region["edu"], **EMPTY | {"intro": "本局的概述。"}, user=head)
    client.force_login(head)
    page = client.get(edit_url(region["edu"])).content.decode()
    assert '<label for="id_intro">一、概述</label>' in page
    assert '<label for="id_classification">二、信息分类和编排体系</label>' in page
    assert '<label for="id_access_methods">三、获取方式</label>' in page
    assert ">\n本局的概述。</textarea>" in page
    assert f'placeholder="{DEFAULT_GUIDE["classification"]}"' in page and 'maxlength="10000"' in page
    assert reverse("portal:agency_guide", args=["edu"]) in page
    assert "花马池镇盐州路1号" in page and "0953-6012345" in page and "演示县教育局办公室" in page
    assert reverse("orgs:update", kwargs={"pk": region["edu"].pk}) in page


def test_a_reviewer_is_told_who_edits_the_contact_block(client, region, make_staff):
    client.force_login(make_staff("edu-reviewer", ("reviewer", region["edu"])))
    page = client.get(edit_url(region["edu"])).content.decode()
    assert reverse("orgs:update", kwargs={"pk": region["edu"].pk}) not in page
    assert "请联系公开办负责人" in page and reverse("orgs:detail", kwargs={"pk": region["edu"].pk}) in page
    assert client.get(edit_url(region["health"])).status_code == 404


def test_posting_the_texts_saves_and_shows_them_publicly(client, region, head):
    client.force_login(head)
    response = client.post(edit_url(region["edu"]), {"action": "texts", "intro": "网页上编写的概述。",
                                                     "classification": "", "access_methods": ""}, follow=True)
    assert response.redirect_chain == [(edit_url(region["edu"]), 302)]
    assert "已保存政府信息公开指南。" in response.content.decode()
    assert "网页上编写的概述。" in guide_page(client, "edu")
    entry = AuditEntry.objects.get(action="portal.guide.save")
    assert entry.actor == head  # the middleware names the person


def test_posting_too_long_text_shows_the_error_and_keeps_the_input(client, region, head):
    client.force_login(head)
    response = client.post(edit_url(region["edu"]), {"action": "texts", "intro": "长" * (LIMIT + 1),
                                                     "classification": "新分类", "access_methods": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "“概述”最多 10000 个字，现有 10001 个字，请精简后再保存。" in page and "指南没有改动" in page
    assert ">\n新分类</textarea>" in page
    assert not DisclosureGuide.objects.exists()


def test_the_search_finds_the_agency_s_public_documents_by_title(client, region, head, documents, monkeypatch):
    client.force_login(head)
    page = client.get(edit_url(region["edu"], q="工作制度")).content.decode()
    found = [d.title for d in documents.values() if d.title in page]
    # Own public documents and the one co-published with 教育局; never drafts, withdrawn, 依申请公开 or others'.
    assert sorted(found) == sorted(["演示县教育局政府信息公开工作制度", "关于联合建立政府信息公开工作制度的通知"])
    assert "（共 2 件）" in page
    assert "演示县教育局政府信息公开保密审查制度" not in page  # does not contain 工作制度
    page = client.get(edit_url(region["edu"], q="不存在的标题")).content.decode()
    assert "没有找到标题包含“不存在的标题”的本机关公开文件。" in page
    monkeypatch.setattr(staff_views, "MAX_RESULTS", 1)
    page = client.get(edit_url(region["edu"], q="制度")).content.decode()
    assert "只显示最新的 1 件" in page and page.count('name="add"') == 1
    page = client.get(edit_url(region["edu"], q="长" * 101)).content.decode()
    assert "检索词过长：最多 100 个字，请精简后重试。" in page


def test_adding_and_removing_documents_through_the_page(client, region, head, documents):
    client.force_login(head)
    url = edit_url(region["edu"])
    response = client.post(url, {"action": "add", "q": "工作制度", "add": [documents["own"].pk, documents["joint"].pk]})
    assert response.status_code == 302 and response["Location"] == f"{url}?q=%E5%B7%A5%E4%BD%9C%E5%88%B6%E5%BA%A6#system"
    assert selection(region["edu"]) == sorted([documents["own"].pk, documents["joint"].pk])
    page = client.get(url + "?q=工作制度").content.decode()
    assert page.count("已列入</span>") == 2  # both found again, shown as already chosen
    assert client.post(url, {"action": "remove", "remove": [documents["joint"].pk]}).status_code == 302
    assert selection(region["edu"]) == [documents["own"].pk]
    response = client.post(url, {"action": "add", "add": [documents["foreign"].pk]})
    assert response.status_code == 200
    assert "只能选择本机关已发布的主动公开信息" in response.content.decode()
    response = client.post(url, {"action": "remove"})
    assert "请先勾选要移出的文件。" in response.content.decode()
    response = client.post(url, {"action": "delete-everything"})
    assert response.status_code == 200 and "无法识别的操作" in response.content.decode()
    assert selection(region["edu"]) == [documents["own"].pk]


def test_another_county_s_agency_is_not_found(client, region, head):
    client.force_login(head)
    assert client.get(edit_url(region["other_edu"])).status_code == 404
    assert client.post(edit_url(region["other_edu"]), {"action": "texts", "intro": "越权"}).status_code == 404
    assert not DisclosureGuide.objects.exists()


# --- Arbitrary input --------------------------------------------------------------------------------------------

def _plain(value: str) -> bool:
    """Acceptable by the rules: no control character other than line breaks and tabs, within the limit."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return len(text) <= LIMIT and not any(ord(c) < 32 and c not in "\n\t" or c == "\x7f" for c in text)


LONG = st.builds(lambda ch, n, tail: ch * n + tail, st.characters(), st.integers(LIMIT - 3, LIMIT + 3),
                 st.text(max_size=3))
TEXT = st.one_of(st.text(max_size=40), st.text(alphabet="\r\n 甲", max_size=12), LONG)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(intro=TEXT, classification=TEXT, access_methods=TEXT)
def test_arbitrary_text_never_errors_and_never_stores_more_than_the_limit(client, region, head, intro,
                                                                          classification, access_methods):
    client.force_login(head)
    posted = {"intro": intro, "classification": classification, "access_methods": access_methods}
    before = DisclosureGuide.objects.filter(agency=region["edu"]).values(*posted).first()
    response = client.post(edit_url(region["edu"]), {"action": "texts", **posted})
    assert response.status_code in (200, 302)
    after = DisclosureGuide.objects.filter(agency=region["edu"]).values(*posted).first()
    if all(_plain(v) for v in posted.values()):
        assert response.status_code == 302
        assert after == {k: v.replace("\r\n", "\n").replace("\r", "\n").strip() for k, v in posted.items()}
    else:
        assert response.status_code == 200 and after == before  # refused: nothing changed
    for value in (after or {}).values():
        assert len(value) <= LIMIT


# --- Browser ----------------------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_office_head_edits_the_intro_and_sees_it_on_the_portal(page, region, make_staff):
    make_staff("liu", ("office_head", region["county"]), first_name="洋", last_name="刘")
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("liu")
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="公开指南和制度").click()
    page.get_by_role("link", name="编辑 演示县教育局的指南和制度").click()
    intro = page.get_by_label("一、概述")
    assert intro.get_attribute("placeholder") == DEFAULT_GUIDE["intro"]
    intro.fill("演示县教育局负责本局政府信息公开的日常工作。\n联系电话见第四部分。")
    page.get_by_role("button", name="保存指南").click()
    expect(page.get_by_role("status").get_by_text("已保存政府信息公开指南。")).to_be_visible()
    page.get_by_role("link", name="预览公众看到的指南").click()
    page.wait_for_url(re.compile(r"/agencies/edu/guide/$"))
    section = page.get_by_role("region", name="一、概述")
    expect(section.get_by_text("演示县教育局负责本局政府信息公开的日常工作。")).to_be_visible()
    expect(section.get_by_text("联系电话见第四部分。")).to_be_visible()
    assert page.get_by_text(DEFAULT_GUIDE["intro"]).count() == 0
