"""What each audit action code means, in the words the audit pages show (the code stays in the entry, in a
tooltip and in exports). One table for the whole platform: the codes are written by each app's services
(`audit.services.record("catalog.document.create", …)`), and audit may not import the apps, so their labels
live here as data; audit/tests/test_action_labels.py fails when a code written by the code base has none.
The case timeline's wording (disclosure_requests.views.TIMELINE_LABELS) is the same for the requests.* codes."""

ACTION_LABELS: dict[str, str] = {
    # 机构与用户
    "orgs.agency.create": "新建机构", "orgs.agency.update": "修改机构信息", "orgs.agency.import": "导入机构",
    "orgs.agency.reorganise": "机构改革（撤并）", "orgs.role.grant": "授予角色", "orgs.role.revoke": "撤销角色",
    "workbench.password_change": "修改本人密码",
    # 工作日历
    "workdays.day.set": "设置工作日或节假日", "workdays.day.remove": "删除日历调整",
    "workdays.calendar.sync": "同步法定节假日", "workdays.calendar.status": "确认工作日历",
    # 政府信息（主动公开）
    "catalog.document.create": "新建文件", "catalog.document.update": "修改文件",
    "catalog.document.submit": "提交保密审查", "catalog.document.secrecy_review": "保密审查通过",
    "catalog.document.return": "退回起草人", "catalog.document.publish": "发布文件",
    "catalog.document.withdraw": "撤回文件", "catalog.document.import": "导入文件",
    "catalog.document.validity": "变更文件效力", "catalog.document.interprets": "关联政策解读",
    "catalog.document.pii_decision": "个人信息审查决定", "catalog.attachment.add": "上传附件",
    "catalog.catalogue.import": "导入政府信息目录",
    # 依申请公开
    "requests.submit": "网上提交申请", "requests.register": "登记申请", "requests.confirm": "确认收到申请",
    "requests.start": "开始办理", "requests.correction.request": "告知补正", "requests.correction.received": "收到补正申请",
    "requests.opinion.open": "征求意见",
    "requests.opinion.close": "征求意见结束", "requests.opinion.receipt": "登记对方收到征求意见书日期",
    "requests.opinion.disclosure_notice": "书面告知第三方决定公开（第三十二条）", "requests.extend": "延长答复期限",
    "requests.reason.ask": "要求说明理由（第三十五条）", "requests.reason.accept": "认定理由合理",
    "requests.fee.notice": "发出收费通知",
    "requests.fee.settled": "缴费或减免", "requests.close": "办结",
    "requests.reply": "答复", "requests.withdraw": "申请人撤回", "requests.transfer": "转办",
    "requests.transfer.receive": "转办收到申请", "requests.archive": "归档", "requests.redate": "工作日历变更，期限重算",
    "requests.promote": "转主动公开（第四十四条）", "requests.letter.issue": "出具文书", "requests.letter.deliver": "登记文书送达",
    "requests.files.release": "上传公开的信息", "requests.served.download": "申请人在线下载（送达）",
    "requests.notification_template.save": "修改通知模板", "requests.notification_template.reset": "恢复默认通知模板",
    # 更正申请（第四十一条）
    "rectifications.submit": "提交更正申请", "rectifications.correct": "予以更正", "rectifications.refer": "转送有权机关",
    "rectifications.refuse": "不予更正", "rectifications.transfer": "转办更正申请",
    "rectifications.receive_transfer": "转办收到更正申请",
    # 行政复议、诉讼
    "appeals.create": "登记行政复议或诉讼", "appeals.decide": "登记复议或诉讼结果",
    # 领导信箱
    "letters.submit": "收到来信", "letters.screen": "甄别来信", "letters.assign": "交办来信", "letters.extend": "延长答复期限",
    "letters.reply": "答复来信", "letters.convert": "转为政府信息公开申请", "letters.from_request": "由申请转为来信",
    "letters.publish": "公开答复", "letters.propose_publication": "提请公开答复",
    "letters.approve_publication": "审核通过，公开答复", "letters.return_publication": "退回公开申请",
    "letters.unpublish": "撤下公开的答复", "letters.rate": "来信人满意度评价", "letters.mailbox_create": "新建信箱",
    # 意见征集、回应关切
    "consultations.create": "新建意见征集", "consultations.publish": "发布意见征集", "consultations.comment": "收到意见",
    "consultations.moderate": "审核意见", "consultations.decide": "登记意见采纳情况",
    "consultations.feedback": "公布采纳情况", "consultations.close": "结束意见征集",
    "consultations.link_document": "关联最终文件", "consultations.concern": "登记回应关切",
    "consultations.pressconference": "登记新闻发布会", "consultations.onlineinterview": "登记在线访谈",
    # 年度报告、年报体检
    "reports.report.create": "编制年度报告", "reports.report.recompute": "重新计算年度报告",
    "reports.report.narrative": "修改报告正文", "reports.report.submit": "提交审核年度报告",
    "reports.report.return": "退回修改年度报告", "reports.report.approve": "审核通过年度报告",
    "reports.report.publish": "发布年度报告", "reports.report.publish_with_gaps": "说明理由后发布年度报告",
    "reports.report.correct": "更正年度报告", "reports.report.enter_cells": "补录报告数字",
    "reports.report.enter_history": "补录历史年度数据", "reports.figures.enter": "填报年报数据",
    "reports.figures.submit": "提交填报数据", "reports.figures.approve": "审核通过填报数据",
    "reports.figures.reopen": "退回填报数据", "report_checkup.batch.create": "新建年报体检批次",
    "report_checkup.batch.finish": "年报体检批次完成",
    # 门户、监测、后台
    "portal.site.create": "设置网站标识", "portal.guide.save": "修改公开指南",
    "portal.guide.system_documents": "修改公开制度", "monitoring.run": "网站监测", "jobs.rerun": "重新运行后台任务",
    "audit.verify": "校验审计日志", "gongkai.keys.rotate": "更换加密密钥", "gongkai.keys.rehash": "重算身份摘要",
    "demo.region.generate": "生成演示区域", "demo.catalogue.generate": "生成演示政府信息目录",
}


def action_label(code: str) -> str:
    """The Chinese name of an action code; an unknown code (from a later version, say) reads as 其他操作."""
    return ACTION_LABELS.get(code, "其他操作")
