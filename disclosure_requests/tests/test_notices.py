"""依申请公开文书 (告知书): every NoticeKind and every Outcome renders to a DOCX and a PDF that carry the statutory
wording and the case number, never the applicant's identity number."""

import functools
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from audit.models import AuditEntry
from disclosure_requests import notices, services
from disclosure_requests.models import Notice, NoticeKind, Outcome, OutcomeGroup
from gongkai.gongwen import cn_date, rmb_upper

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国政府信息公开条例》"
REPLY_ON = date(2024, 10, 20)
COMPETENT = "演示县自然资源局（联系电话：0953-6012345）"


@functools.cache
def pdf_support() -> str:
    """'' when PDFs can be made here, else why not (the PDF half of each test is then skipped, loudly)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint 不可用：{error}"
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return "fontconfig（fc-list）不可用"
    families = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,  # noqa: S603 - fixed arguments
                              check=False).stdout
    if "Noto Serif CJK SC" not in families:
        return "缺少字体 Noto Serif CJK SC（Debian 软件包 fonts-noto-cjk）"
    return ""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if pdf_support():
        settings.GONGKAI_NOTICES_PDF = False


def skip_pdf_loudly():
    if reason := pdf_support():
        pytest.skip(f"!!! PDF 检查被跳过 / PDF checks SKIPPED: {reason}")


PAGE_FOOTER = re.compile(r"\n- \d+ -\s*$")


def squash(text: str) -> str:
    return "".join(text.split())


def docx_text(notice: Notice) -> str:
    document = Document(notice.docx.path)
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].footer.paragraphs]
    return "\n".join(parts)


def docx_raw(notice: Notice) -> str:
    """Every XML part of the package (body, footer, styles, metadata)."""
    with zipfile.ZipFile(notice.docx.path) as package:
        return "".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())


def pdf_text(notice: Notice) -> str:
    """The text layer, pages joined without their page-number footers ("- 1 -"), so that a sentence running on
    to the next page reads as one."""
    reader = PdfReader(notice.pdf.path)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    pages = [PAGE_FOOTER.sub("", page.extract_text()) for page in reader.pages]
    return "\n".join(pages) + "\n" + metadata


def assert_fonts(notice: Notice):
    document = Document(notice.docx.path)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                   section.right_margin)] == [37, 35, 28, 26]
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    assert runs and all(run._r.rPr.rFonts.get(qn("w:eastAsia")) for run in runs)
    title = document.paragraphs[0]
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22 and runs[-1].font.size.pt == 16
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("- ") and footer.text.endswith(" -") and "PAGE" in footer._p.xml


def check_notice(notice: Notice, *phrases: str, absent: tuple[str, ...] = ()):
    """DOCX first (always), then the PDF text layer (skipped loudly only if fonts or libraries are missing)."""
    assert notice.pk and notice.docx.name.endswith(".docx")
    text = docx_text(notice)
    flat = squash(text)
    tracking = notice.request.tracking_number
    for phrase in (tracking, *phrases):
        assert squash(phrase) in flat, f"DOCX 缺少：{phrase}\n{text}"
    for phrase in (PLANTED_ID, *absent):
        assert squash(phrase) not in flat
    assert PLANTED_ID not in docx_raw(notice)
    assert_fonts(notice)
    skip_pdf_loudly()
    assert notice.pdf.name.endswith(".pdf")
    with open(notice.pdf.path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    pdf_flat = squash(pdf_text(notice))
    for phrase in (tracking, *phrases):
        assert squash(phrase) in pdf_flat, f"PDF 文字层缺少：{phrase}"
    for phrase in (PLANTED_ID, *absent):
        assert squash(phrase) not in pdf_flat


# --- Building cases through the lifecycle ----------------------------------------------------------------


@pytest.fixture
def received(in_person):
    return lambda **overrides: in_person(date(2024, 9, 25), **overrides)


def close_with(case, handler, outcome, **reply):
    if outcome == Outcome.OTHER_NO_CORRECTION:
        services.request_correction(case, user=handler, items="请明确所需文件的年份", on=date(2024, 9, 27),
                                    correction_due_on=date(2024, 10, 15))
        return services.correction_lapsed(case, user=handler, on=date(2024, 10, 16))
    if outcome == Outcome.OTHER_FEE_UNPAID:
        services.start_processing(case, user=handler)
        fee = services.issue_fee_notice(case, user=handler, method="per_page", pages=150, served_on=date(2024, 9, 27))
        return services.fee_lapsed(case, user=handler, on=fee.fee_due_on + timedelta(days=1))
    if outcome == Outcome.UNAVAILABLE_STILL_UNCLEAR:  # 第三十条: only after a correction was asked for and received
        services.request_correction(case, user=handler, items="请明确所需文件的年份", on=date(2024, 9, 27),
                                    correction_due_on=date(2024, 10, 15))
        case = services.correction_received(case, user=handler, on=date(2024, 10, 8))
    if outcome == Outcome.OTHER_MISC:
        return services.withdraw(case, user=handler, on=date(2024, 9, 30), how="申请人于2024年9月30日书面撤回申请。")
    fields = {"legal_basis": f"{BASIS}第三十六条", "reasons": "详见说明。", "on": REPLY_ON}
    fields.update(reply)
    return services.reply(case, user=handler, outcome=outcome, **fields)


# Per outcome: the statutory wording the notice must carry (条例 第三十六条 and the articles it names).
OUTCOME_WORDING = {
    Outcome.GRANTED: ["本机关决定予以公开", "本机关向您提供该政府信息", "通过电子邮件发送至您申请时提供的电子邮箱"],
    Outcome.PARTIALLY_GRANTED: ["能够作区分处理", "本机关决定部分公开", "对不予公开的内容说明理由如下"],
    Outcome.WITHHELD_STATE_SECRET: ["依法确定为国家秘密的政府信息", "本机关决定不予公开"],
    Outcome.WITHHELD_PROHIBITED_BY_LAW: ["法律、行政法规禁止公开的政府信息", "本机关决定不予公开"],
    Outcome.WITHHELD_SECURITY_STABILITY: ["可能危及国家安全、公共安全、经济安全、社会稳定", "本机关决定不予公开"],
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: ["公开会对第三方合法权益造成损害", "本机关决定不予公开"],
    Outcome.WITHHELD_INTERNAL_AFFAIRS: ["内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息"],
    Outcome.WITHHELD_PROCESS_INFO: ["讨论记录、过程稿、磋商信函、请示报告等过程性信息", "本机关决定不予公开"],
    Outcome.WITHHELD_ENFORCEMENT_FILE: ["行政执法案卷信息", "本机关决定不予公开"],
    Outcome.WITHHELD_ADMIN_INQUIRY: ["有关法律、行政法规对信息的获取有特别规定", "依照有关法律、行政法规的规定办理"],
    Outcome.UNAVAILABLE_NOT_HELD: ["本机关没有您申请公开的政府信息", "该政府信息不存在"],
    Outcome.UNAVAILABLE_NEEDS_CREATION: ["对现有政府信息进行加工、分析", "本机关不予提供"],
    Outcome.UNAVAILABLE_STILL_UNCLEAR: ["补正后的申请内容仍不明确"],
    Outcome.NOT_PROCESSED_COMPLAINT: ["进行信访、投诉、举报等活动", "不作为政府信息公开申请处理"],
    Outcome.NOT_PROCESSED_DUPLICATE: ["重复申请公开相同政府信息", "本机关不予重复处理"],
    Outcome.NOT_PROCESSED_PUBLICATION: ["政府公报、报刊、书籍等公开出版物", "现告知您获取的途径"],
    Outcome.NOT_PROCESSED_EXCESSIVE: ["数量、频次明显超过合理范围", "申请理由不合理", "本机关不予处理"],
    Outcome.NOT_PROCESSED_RECONFIRMATION: ["确认或者重新出具您已获取的信息", "本机关不予处理"],
    Outcome.OTHER_NO_CORRECTION: ["无正当理由逾期未补正", "视为放弃申请，本机关不再处理该政府信息公开申请"],
    Outcome.OTHER_FEE_UNPAID: ["逾期未按收费通知要求缴纳费用", "视为放弃申请，本机关不再处理该政府信息公开申请"],
    Outcome.OTHER_MISC: ["申请人于2024年9月30日书面撤回申请", "办理已经终结"],
}


def test_every_outcome_has_its_wording_and_template():
    assert set(OUTCOME_WORDING) == set(Outcome)
    for outcome in Outcome:
        notices._engine().get_template(f"disclosure_requests/notices/outcomes/{outcome.value}.txt")


# The remedies paragraph of a 2024 reply (《中华人民共和国行政复议法》（2023年修订）第二十三条): 复议前置 for the
# 三（三） rows and the withheld part of 部分公开; the either/or sentence for every other outcome.
EITHER_OR = ("可以在收到本告知书之日起60日内向演示县人民政府申请行政复议",
             "或者在6个月内向有管辖权的人民法院提起行政诉讼")
REVIEW_FIRST = ("可以在收到本告知书之日起60日内向演示县人民政府申请行政复议", "应当先向行政复议机关申请行政复议",
                "《中华人民共和国行政复议法》第二十三条第一款第（四）项", "《中华人民共和国行政诉讼法》第四十五条",
                "可以在收到行政复议决定书之日起15日内向有管辖权的人民法院提起行政诉讼")


def remedy_wording(outcome: Outcome) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(phrases present, phrases absent) of the remedies paragraph for a reply decided in 2024."""
    if outcome.group == OutcomeGroup.WITHHELD:
        return REVIEW_FIRST, ("6个月",)
    if outcome == Outcome.PARTIALLY_GRANTED:
        return (*REVIEW_FIRST, "对本答复中不予公开的部分不服的", "对本答复的其他内容不服的", *EITHER_OR), ()
    return EITHER_OR, ("应当先向行政复议机关申请行政复议",)


@pytest.mark.parametrize("outcome", list(Outcome), ids=[o.value for o in Outcome])
def test_reply_letter_for_every_outcome(outcome, received, handlers, person):
    case = close_with(received(), handlers["handler"], outcome)
    notice = notices.render_notice(case, NoticeKind.REPLY)
    assert notice.kind == NoticeKind.REPLY and notice.issued_on == case.closed_on
    present, absent = remedy_wording(outcome)
    check_notice(notice, *OUTCOME_WORDING[outcome], "政府信息公开申请答复告知书", "马文静：", case.legal_basis,
                 "2024年9月25日", "2024年学生资助资金分配文件", "演示县教育局", "（印章）",
                 cn_date(case.closed_on), "盐池县花马池镇盐州路88号",
                 # The remedies paragraph with the county government as review body (行政复议法 第二十四条).
                 *present, absent=("13995123456", "mwj@example.cn", *absent))


def test_reply_not_responsible_names_the_competent_agency(received, handlers):
    case = close_with(received(), handlers["handler"], Outcome.UNAVAILABLE_NOT_HELD, detail="not_responsible",
                      legal_basis=f"{BASIS}第三十六条第（五）项", reasons="该文件由县自然资源局制作并保存。",
                      competent_agency=COMPETENT)
    notice = notices.render_notice(case, NoticeKind.REPLY, issued_on=REPLY_ON)
    check_notice(notice, "不属于本机关负责公开", "该文件由县自然资源局制作并保存。",
                 f"负责公开该政府信息的行政机关为{COMPETENT}，您可以向该机关提出申请",
                 absent=("该政府信息不存在",))


def test_reply_already_public_tells_where_to_find_it(received, handlers):
    case = close_with(received(), handlers["handler"], Outcome.GRANTED, detail="already_public",
                      legal_basis=f"{BASIS}第三十六条第（一）项",
                      reasons="该文件已在演示县人民政府网站“政府信息公开”专栏主动公开。")
    text = notices.preview_notice(case, NoticeKind.REPLY)
    assert "已经主动公开" in text and "获取该政府信息的方式、途径：该文件已在演示县人民政府网站" in text
    assert "本机关决定予以公开" not in text


def test_reply_lists_secondary_outcomes_and_third_party_objection(received, handlers):
    h = handlers["handler"]
    case = services.start_processing(received(), user=h)
    opinion = services.open_opinion_request(case, user=h, kind="third_party", addressee="某科技有限公司",
                                            sent_on=date(2024, 9, 27), received_on=date(2024, 9, 28))
    services.close_opinion_request(opinion, user=h, result="objection", answered_on=date(2024, 10, 10),
                                   opinion_text="涉及商业秘密")
    case = close_with(case, h, Outcome.WITHHELD_THIRD_PARTY_RIGHTS, legal_basis=f"{BASIS}第十五条、第三十二条",
                      reasons="所申请信息含有第三方的商业秘密。", secondary_outcomes=["withheld_process_info"])
    text = notices.preview_notice(case, NoticeKind.REPLY)
    assert "经书面征求第三方意见，第三方不同意公开且有合理理由" in text
    assert "此外，您申请的内容还涉及以下情形：属于四类过程性信息" in text


# --- The other kinds -------------------------------------------------------------------------------------


def test_receipt(received):
    case = received()
    notice = notices.render_notice(case, NoticeKind.RECEIPT)
    assert notice.issued_on == date(2024, 9, 25)
    check_notice(notice, "政府信息公开申请登记回执", "已予登记", f"查询码为{case.lookup_code}",
                 "自收到申请之日起20个工作日内予以答复", "答复期限为2024年10月28日", "提交方式：当面",
                 "2024年9月25日")


def test_correction_notice_lists_every_item(received, handlers):
    case = services.request_correction(received(), user=handlers["handler"], on=date(2024, 9, 27),
                                       items="1. 请明确所需文件的年份\n2、请说明文件的制发机关",
                                       correction_due_on=date(2024, 10, 15))
    notice = notices.render_notice(case, NoticeKind.CORRECTION)
    assert notice.issued_on == date(2024, 9, 27)
    check_notice(notice, "补正告知书", "第三十条", "现一次性告知您对以下事项作出补正", "1. 请明确所需文件的年份",
                 "2. 请说明文件的制发机关", "请您于2024年10月15日前向本机关提交补正后的申请",
                 "答复期限自本机关收到补正的申请之日起计算", "视为放弃申请", absent=("1. 1.",))


def test_extension_notice(received, handlers):
    case = services.start_processing(received(), user=handlers["handler"])
    extension = services.extend(case, user=handlers["head"], working_days=10, reason="需要调阅档案。",
                                approved_on=date(2024, 10, 21), notified_on=date(2024, 10, 22))
    case.refresh_from_db()
    notice = notices.render_notice(case, NoticeKind.EXTENSION)
    assert notice.issued_on == extension.notified_on
    check_notice(notice, "延期答复告知书", "因需要调阅档案，本机关不能在规定期限内作出答复", "第三十三条第二款",
                 "经本机关政府信息公开工作机构负责人同意，答复期限延长10个工作日",
                 f"本机关将于{cn_date(case.due_on)}前作出答复")


@pytest.mark.parametrize("kind,wording", [
    ("third_party", ["第三十二条", "现书面征求你方意见", "15个工作日内以书面形式提出是否同意公开的意见",
                     "你方逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开"]),
    ("agency", ["第三十四条", "由本机关与贵机关共同制作", "逾期未提出意见的，视为同意公开"]),
])
def test_opinion_letter_goes_to_the_other_side_without_the_applicant(kind, wording, received, handlers):
    h = handlers["handler"]
    case = services.start_processing(received(), user=h)
    services.open_opinion_request(case, user=h, kind=kind, addressee="演示县财政局", sent_on=date(2024, 9, 26))
    opinion = services.open_opinion_request(case, user=h, kind=kind, addressee="某科技有限公司",
                                            sent_on=date(2024, 9, 27))
    notice = notices.render_notice(case, NoticeKind.OPINION)  # the latest one by default
    assert notice.issued_on == opinion.sent_on
    check_notice(notice, "征求意见函", "某科技有限公司：", *wording,
                 absent=("马文静", "盐池县花马池镇盐州路88号", "演示县财政局："))
    first = case.opinion_requests.order_by("sent_on").first()
    assert "演示县财政局：" in notices.preview_notice(case, NoticeKind.OPINION, subject=first)


def test_fee_notice_states_basis_standard_amount_and_payment(received, handlers):
    h = handlers["handler"]
    case = services.start_processing(received(), user=h)
    fee = services.issue_fee_notice(case, user=h, method="per_page", pages=150, served_on=date(2024, 9, 27))
    notice = notices.render_notice(case, NoticeKind.FEE)
    assert notice.issued_on == date(2024, 9, 27)
    check_notice(notice, "收费通知书", "收费依据：《中华人民共和国政府信息公开条例》第四十二条",
                 "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
                 "收费标准：按量计收：30页以下（含30页）的，不收费；31—100页（含100页）的部分，10元/页",
                 "201页以上的部分，40元/页", "收费数额：人民币1700.00元（大写：壹仟柒佰元整）",
                 "缴纳方式：", "非税收入", "自收到本通知书次日起20个工作日内缴纳",
                 f"至{cn_date(fee.fee_due_on)}", "逾期未缴纳的，视为放弃申请")


def test_per_item_fee_standard_and_amount_in_words():
    assert "累计申请11—30件（含30件）的部分，100元/件" in notices._fee_standard("per_item")
    cases = {"1700": "壹仟柒佰元整", "200": "贰佰元整", "4700.00": "肆仟柒佰元整", "10010": "壹万零壹拾元整",
             "100100": "壹拾万零壹佰元整", "1000000010": "壹拾亿零壹拾元整", "100.50": "壹佰元伍角整",
             "105.05": "壹佰零伍元零伍分", "0.30": "叁角整", "3000": "叁仟元整"}
    from decimal import Decimal
    assert {k: rmb_upper(Decimal(k)) for k in cases} == cases


# --- Wrong states, privacy, overrides ---------------------------------------------------------------------


def test_letters_need_the_act_they_report(region, person, received, handlers):
    case = received()
    with pytest.raises(ValidationError, match="申请尚未办结（当前状态为“已登记”），不能出具答复告知书"):
        notices.render_notice(case, NoticeKind.REPLY)
    with pytest.raises(ValidationError, match="没有告知补正的记录"):
        notices.render_notice(case, NoticeKind.CORRECTION)
    with pytest.raises(ValidationError, match="没有延长答复期限的记录"):
        notices.render_notice(case, NoticeKind.EXTENSION)
    with pytest.raises(ValidationError, match="没有征求意见的记录"):
        notices.preview_notice(case, NoticeKind.OPINION)
    with pytest.raises(ValidationError, match="没有收费通知记录"):
        notices.render_notice(case, NoticeKind.FEE)
    online = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                    requested_form="electronic", delivery_method="email")
    with pytest.raises(ValidationError, match="尚未登记收到"):
        notices.render_notice(online, NoticeKind.RECEIPT)
    with pytest.raises(ValidationError, match="未知的文书类型"):
        notices.render_notice(case, "notice")
    with pytest.raises(ValidationError, match="不能早于收到申请之日"):
        notices.render_notice(case, NoticeKind.RECEIPT, issued_on=date(2024, 9, 1))
    closed = close_with(case, handlers["handler"], Outcome.GRANTED)
    services.archive(closed, user=handlers["handler"])
    with pytest.raises(ValidationError, match="已归档"):
        notices.render_notice(closed, NoticeKind.REPLY)
    assert not Notice.objects.exists()


def test_extension_from_another_case_is_refused(received, handlers):
    h = handlers["handler"]
    case = services.start_processing(received(), user=h)
    other = services.start_processing(received(description="另一份申请"), user=h)
    extension = services.extend(other, user=handlers["head"], working_days=5, reason="需要调阅档案",
                                approved_on=date(2024, 10, 21), notified_on=date(2024, 10, 21))
    with pytest.raises(ValidationError, match="不属于本申请"):
        notices.render_notice(case, NoticeKind.EXTENSION, subject=extension)


def test_preview_stores_nothing_and_matches_the_letter(received, handlers):
    case = close_with(received(), handlers["handler"], Outcome.WITHHELD_PROCESS_INFO,
                      reasons="所申请的是尚未定稿的过程稿。")
    text = notices.preview_notice(case, NoticeKind.REPLY)
    assert not Notice.objects.exists()
    assert "过程性信息" in text and case.tracking_number in text and "所申请的是尚未定稿的过程稿。" in text
    assert text.splitlines()[0].strip("　") == "政府信息公开申请答复告知书"
    notice = notices.render_notice(case, NoticeKind.REPLY)
    assert squash(docx_text(notice).replace("- 1 -", "")) == squash(text)


def test_issue_is_audited_without_personal_data(received, handlers):
    case = received()
    notice = notices.render_notice(case, NoticeKind.RECEIPT, user=handlers["handler"])
    entry = AuditEntry.objects.get(action="requests.letter.issue")
    assert entry.agency_id == case.agency_id and entry.object_id == str(notice.pk)
    dump = json.dumps([entry.before, entry.after, entry.note, entry.object_repr], ensure_ascii=False)
    for private in (PLANTED_ID, "马文静", "盐池县花马池镇盐州路88号", "13995123456"):
        assert private not in dump
    assert "马文静" not in notice.docx.name and "马文静" not in (notice.pdf.name or "")


def test_other_agencies_staff_cannot_issue(received, handlers):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        notices.render_notice(received(), NoticeKind.RECEIPT, user=handlers["other_handler"])


def test_escaping_is_plain_text_for_docx_and_html_for_pdf(received, handlers):
    case = close_with(received(description="关于<A&B>公司\"补贴\"的文件"), handlers["handler"],
                      Outcome.GRANTED)
    notice = notices.render_notice(case, NoticeKind.REPLY)
    check_notice(notice, "关于<A&B>公司\"补贴\"的文件")


@pytest.fixture
def overrides(settings, tmp_path):
    """An operator's template directory placed before the app templates."""
    folder = tmp_path / "templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]

    def write(relative: str, text: str):
        target = folder / "disclosure_requests" / "notices" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return write


def test_agency_level_override_of_the_remedies_paragraph(overrides, received, region, handlers):
    overrides("edu/remedies.txt", "如不服本答复，可以在收到本告知书之日起60日内向演示县人民政府申请行政复议，"
              "或者在6个月内向演示县人民法院提起行政诉讼。")
    overrides("edu/fee.txt", '{% extends "disclosure_requests/notices/fee.txt" %}'
              "{% block payment %}请通过“宁夏非税收入网上缴款”缴纳。{% endblock %}")
    edu = close_with(received(), handlers["handler"], Outcome.GRANTED)
    health = close_with(received(agency=region["health"], user=None, description="另一份申请"), None,
                        Outcome.GRANTED)
    notice = notices.render_notice(edu, NoticeKind.REPLY)
    check_notice(notice, "向演示县人民法院提起行政诉讼")
    assert "有管辖权的人民法院" in notices.preview_notice(health, NoticeKind.REPLY)

    case = services.start_processing(received(description="第三份申请"), user=handlers["handler"])
    services.issue_fee_notice(case, user=handlers["handler"], method="per_page", pages=40, served_on=date(2024, 9, 27))
    text = notices.preview_notice(case, NoticeKind.FEE)
    assert "缴纳方式：请通过“宁夏非税收入网上缴款”缴纳。" in text and "收费标准：按量计收" in text


def test_an_edited_template_cannot_reach_the_identity_number(overrides, received):
    overrides("receipt.txt", "# 回执\n{{ case.applicant.id_number }}{{ applicant.id_number }}"
              "{{ applicant.phone }}{{ case.applicant }}\n受理编号{{ case.tracking_number }}")
    case = received()
    text = notices.preview_notice(case, NoticeKind.RECEIPT)
    assert PLANTED_ID not in text and "13995123456" not in text
    overrides("receipt.txt", f"# 回执\n申请人证件：{PLANTED_ID}")
    notices._engine.cache_clear()  # the cached template loader keeps the first version until a restart
    with pytest.raises(ValidationError, match="身份证明号码"):
        notices.render_notice(case, NoticeKind.RECEIPT)
    assert not Notice.objects.exists()



def test_overrides_in_the_old_letters_folder_still_apply_with_a_warning(settings, tmp_path, received, region):
    """The template folder was renamed letters/ → notices/ (issue 14): an operator's override left in the old
    folder, for one agency or for all, still replaces the shipped wording, and `gongkai check` says to move it."""
    from disclosure_requests.notices import legacy_template_check

    folder = tmp_path / "templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    assert legacy_template_check() == []
    old = folder / "disclosure_requests" / "letters"
    (old / "edu").mkdir(parents=True)
    (old / "edu" / "receipt.txt").write_text("# 回执\n教育局的旧模板{{ case.tracking_number }}", encoding="utf-8")
    (old / "receipt.txt").write_text("# 回执\n全平台的旧模板{{ case.tracking_number }}", encoding="utf-8")
    assert "教育局的旧模板" in notices.preview_notice(received(), NoticeKind.RECEIPT)
    other = received(agency=region["health"], user=None, description="另一份申请")
    assert "全平台的旧模板" in notices.preview_notice(other, NoticeKind.RECEIPT)
    (warning,) = legacy_template_check()
    assert warning.id == "disclosure_requests.W001" and "disclosure_requests/notices/" in warning.msg


def test_the_old_pdf_setting_name_is_still_obeyed(settings):
    """GONGKAI_LETTERS_PDF (the name before issue 14) wins when a settings module still sets it."""
    settings.GONGKAI_NOTICES_PDF = True
    assert notices.pdf_enabled()
    settings.GONGKAI_LETTERS_PDF = False
    assert not notices.pdf_enabled()


# --- Delivery --------------------------------------------------------------------------------------------


def test_record_delivery(received, handlers):
    notice = notices.render_notice(received(), NoticeKind.RECEIPT)
    with pytest.raises(ValidationError) as problem:
        notices.record_delivery(notice, "post", date(2024, 9, 26), "")
    assert "邮件号" in str(problem.value)
    with pytest.raises(ValidationError, match="不能早于文书日期"):
        notices.record_delivery(notice, "pick_up", date(2024, 9, 24), "")
    with pytest.raises(ValidationError, match="请选择送达方式"):
        notices.record_delivery(notice, "pigeon", date(2024, 9, 26), "")
    notice = notices.record_delivery(notice, "post", date(2024, 9, 27), "EMS1234567890", user=handlers["handler"])
    notice.refresh_from_db()
    assert (notice.delivery_method, notice.delivered_on, notice.delivery_reference) == (
        "post", date(2024, 9, 27), "EMS1234567890")
    notices.record_delivery(notice, "pick_up", date(2024, 9, 26), "本人签收")
    entries = AuditEntry.objects.filter(action="requests.letter.deliver").order_by("id")
    assert entries.count() == 2 and entries[1].before["delivery_method"] == "post"
    assert "EMS1234567890" not in json.dumps([e.after for e in entries] + [entries[1].before])


def test_delivery_of_an_archived_case_is_refused(received, handlers):
    h = handlers["handler"]
    case = close_with(received(), h, Outcome.GRANTED)
    notice = notices.render_notice(case, NoticeKind.REPLY)
    services.archive(case, user=h)
    with pytest.raises(ValidationError, match="已归档"):
        notices.record_delivery(notice, "email", REPLY_ON, "")
    assert Notice.objects.get().delivered_on is None


def test_pdf_has_a4_pages_numbers_and_embedded_cjk_fonts(received, handlers):
    skip_pdf_loudly()
    notice = notices.render_notice(close_with(received(), handlers["handler"], Outcome.GRANTED), NoticeKind.REPLY)
    reader = PdfReader(notice.pdf.path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    for number, page in enumerate(reader.pages, start=1):
        assert squash(page.extract_text()).endswith(f"-{number}-")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            if descendant:
                descriptor = descendant[0].get_object()["/FontDescriptor"].get_object()
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("NotoSerifCJK" in name.replace(" ", "").replace("-", "") for name in fonts), fonts


def test_issuable_kinds_follow_the_lifecycle(received, handlers):
    case = received()
    kinds = notices.issuable_kinds(case)
    assert kinds[NoticeKind.RECEIPT] == "" and "尚未办结" in kinds[NoticeKind.REPLY]
    assert all(kinds[k] for k in (NoticeKind.CORRECTION, NoticeKind.EXTENSION, NoticeKind.OPINION, NoticeKind.FEE))
    case = close_with(case, handlers["handler"], Outcome.GRANTED)
    assert notices.issuable_kinds(case)[NoticeKind.REPLY] == ""
