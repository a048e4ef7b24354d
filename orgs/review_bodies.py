"""Which body hears an 行政复议 against an agency's act: a property of the agency and its place in the tree,
used by every letter that states the applicant's remedies (告知书 of disclosure requests, 更正申请 decisions)."""

from .models import AgencyKind, AgencyLevel


def administrative_review_body(agency) -> str:
    """The 行政复议机关 under 《中华人民共和国行政复议法》（2023年修订）:

    - 实行垂直领导的行政机关（海关、金融、外汇管理等）、税务和国家安全机关: the recorded 上一级主管部门 (第二十七条);
    - a 省级人民政府: itself (第二十四条第二款);
    - any other 人民政府: the 上一级人民政府 (第二十四条第一款第（二）项): the nearest government above it on the
      platform, or the name recorded on it when the platform has none (the county at the root of the tree);
    - a department, 派出机构/派出机关, 开发区管委会 or 法律、法规授权的组织: the 本级人民政府, i.e. the nearest
      government above it (第二十四条第一款第（一）、（三）、（四）项 and 第四款)."""
    if agency.review_jurisdiction:
        return agency.superior_department.strip() or "上一级主管部门"
    if agency.kind == AgencyKind.GOVERNMENT and agency.level == AgencyLevel.PROVINCE:
        return agency.name
    for ancestor in reversed(agency.ancestors()):
        if ancestor.kind == AgencyKind.GOVERNMENT:
            return ancestor.name
    if agency.kind == AgencyKind.GOVERNMENT:
        return agency.superior_government.strip() or "上一级人民政府"
    return "本级人民政府"
