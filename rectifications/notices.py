"""The 告知书 that tells the applicant the outcome of a 更正申请 (第四十一条: 告知申请人), as HTML for the page
and as a PDF in the 公文 layout for paper and download.

The remedy sentence: a refusal to correct, and a referral elsewhere, are acts the applicant may challenge by
行政复议 within 60 days of learning of them (《中华人民共和国行政复议法》（2023年修订）第二十条第一款) or by 行政诉讼 within
6 months (《中华人民共和国行政诉讼法》第四十六条第一款). 复议前置 (复议法 第二十三条第一款第（四）项) covers only
不予公开 of requested information, not a refusal to correct, so the applicant may choose either."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from gongkai.gongwen import cn_date
from gongkai.pdf import html_to_pdf
from orgs.review_bodies import administrative_review_body

from .models import Decision, RecordRectificationRequest, RefusalReason

TITLES = {
    Decision.CORRECTED: "政府信息更正告知书",
    Decision.REFUSED: "不予更正政府信息告知书",
    Decision.TRANSFERRED: "更正申请转送告知书",
    Decision.REFERRED: "更正申请告知书",
}


@dataclass(frozen=True)
class NoticeText:
    title: str
    salutation: str
    paragraphs: tuple[str, ...]
    agency_name: str
    issued_on: str


def _remedy(case: RecordRectificationRequest) -> str:
    return (f"如对本告知不服，可以自知道之日起60日内向{administrative_review_body(case.agency)}申请行政复议，"
            "或者在6个月内向有管辖权的人民法院提起行政诉讼。")


def compose(case: RecordRectificationRequest) -> NoticeText:
    if not case.decision:
        raise ValueError("本件更正申请尚未办结，没有告知书。")
    received = cn_date(case.received_on)
    opening = (f"本机关于{received}收到您提出的更正申请（编号：{case.number}），要求更正以下与您相关的政府信息记录："
               f"{case.record_description}")
    paragraphs = [opening]
    if case.decision == Decision.CORRECTED:
        paragraphs.append(f"经审核，您提出的情况属实。根据《中华人民共和国政府信息公开条例》第四十一条的规定，本机关已予以更正，"
                          f"更正的内容为：{case.correction_made}")
    elif case.decision == Decision.REFUSED:
        reason = RefusalReason(case.refusal_reason).label if case.refusal_reason != RefusalReason.OTHER else ""
        because = "；".join(filter(None, [reason, case.decision_note]))
        paragraphs.append(f"经审核，{because}。根据《中华人民共和国政府信息公开条例》第四十一条的规定，本机关决定不予更正。")
        paragraphs.append(_remedy(case))
    elif case.decision == Decision.TRANSFERRED:
        paragraphs.append(f"经审核，您要求更正的信息记录不属于本机关职能范围。根据《中华人民共和国政府信息公开条例》第四十一条的规定，"
                          f"本机关已将您的更正申请转送{case.competent_agency_name}处理。")
        if case.transferred_to_id:
            paragraphs.append(f"转送后的更正申请编号为{case.transferred_to.number}，您可凭该编号和原查询码查询办理情况。")
    else:
        paragraphs.append(f"经审核，您要求更正的信息记录不属于本机关职能范围。根据《中华人民共和国政府信息公开条例》第四十一条的规定，"
                          f"请您向{case.competent_agency_name}提出更正申请。")
        paragraphs.append(_remedy(case))
    if case.decision_note and case.decision != Decision.REFUSED:
        paragraphs.append(f"说明：{case.decision_note}")
    paragraphs.append("特此告知。")
    return NoticeText(title=TITLES[Decision(case.decision)], salutation=f"{case.applicant_name}：",
                      paragraphs=tuple(paragraphs), agency_name=case.agency.name, issued_on=cn_date(case.decided_on))


def render_html(case: RecordRectificationRequest) -> str:
    return render_to_string("rectifications/notice.html", {"notice": compose(case), "case": case})


def render_pdf(case: RecordRectificationRequest) -> bytes:
    return html_to_pdf(render_html(case), what="告知书")
