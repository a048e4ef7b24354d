"""The legacy 统计表 of two shared seed reports, typed by hand from /work/shared/seeds/*.txt: cell id → the text
printed in the 统计数 column ("" = printed blank). A row the published table does not print has no key.

Typed independently of the auditor's importer (and of test_seeds.py, which holds the same tables as numbers):
they are the expectation both are checked against. Printed label variants are noted next to their row."""

# 湘西州2017 附表 "政府信政息公开情况统计表（2017年度）" (2017-xiangxi-prefecture-annual-report.txt, lines 77–382).
# The one-character units (条/件/次/个) are lost in the extraction; only 万元 and 人次 survive.
XIANGXI_2017 = {
    # 一、主动公开情况
    "lg.proactive.total": "248071",  # note on its own line: (不同渠道和方式公开相同的信息列为1条)
    "lg.proactive.normative_docs_published": "253",
    "lg.proactive.normative_docs_issued": "253",
    "lg.proactive.via_gazette": "2137",  # items numbered "1、"
    "lg.proactive.via_website": "181049",
    "lg.proactive.via_weibo": "1202",
    "lg.proactive.via_wechat": "764",
    "lg.proactive.via_other": "45237",
    # 二、回应解读情况
    "lg.response.hot_topics": "147",
    "lg.response.press_conferences": "28",
    "lg.response.press_conferences_by_head": "28",
    "lg.response.online_interviews": "6",
    "lg.response.online_interviews_by_head": "6",
    "lg.response.interpretations": "125",
    "lg.response.weibo_wechat_events": "0",
    "lg.response.other_events": "45237",
    # 三、依申请公开情况
    "lg.request.received": "15",
    "lg.request.in_person": "1",
    "lg.request.fax": "",
    "lg.request.online": "12",
    "lg.request.letter": "2",
    "lg.request.closed": "15",
    "lg.request.closed_on_time": "15",
    "lg.request.closed_extended": "",
    "lg.request.answered": "",
    "lg.request.already_public": "",
    "lg.request.granted": "15",
    "lg.request.partially_granted": "",
    "lg.request.refused": "",
    "lg.request.refused_state_secret": "",
    "lg.request.refused_commercial_secret": "",
    "lg.request.refused_privacy": "",
    "lg.request.refused_security_stability": "",
    "lg.request.refused_not_gov_info": "",
    "lg.request.refused_other_legal": "",
    "lg.request.not_this_agency": "",
    "lg.request.not_exist": "",
    "lg.request.told_to_amend": "",
    "lg.request.told_other_channel": "",
    # 四、行政复议数量 … 七
    "lg.review.total": "101",
    "lg.review.upheld": "56",
    "lg.review.corrected": "24",
    "lg.review.other": "1",
    "lg.suit.total": "2",
    "lg.suit.upheld": "2",
    "lg.suit.corrected": "",  # printed "（二）依法纠错数"
    "lg.suit.other": "",
    "lg.complaints.total": "0",  # no sub-rows
    "lg.fees.amount": "0",  # 万元
    # 八、机构建设和保障经费情况
    "lg.org.dedicated_units": "9",
    "lg.org.reading_points": "123",
    "lg.org.staff_total": "776",  # printed "（三）从事政府信息公开工作人数员"
    "lg.org.staff_full_time": "42",
    "lg.org.staff_part_time": "734",
    "lg.org.budget": "65",  # 万元
    # 九、政府信息公开会议和培训情况
    "lg.meetings.meetings": "30",
    "lg.meetings.trainings": "32",
    "lg.meetings.trainees": "3155",  # 人次
}
XIANGXI_2017_FOOTER = {"filer": "湘西州政务公开政务服务管理办公室", "head": "包太洋", "reviewer": "向小燕",
                       "preparer": "彭莹"}  # no 填报日期 printed; the report is signed 2018年3月15日

# 盐池县2018 附件 "2018年度政府信息公开情况统计表" (2018-yanchi-county-annual-report.txt, lines 105–185), every
# unit printed. 行政诉讼 "（三）其他情形数" is not printed, so lg.suit.other has no key.
YANCHI_2018 = {
    # 一、主动公开情况
    "lg.proactive.total": "16084",  # 条
    "lg.proactive.normative_docs_published": "6",  # 条
    "lg.proactive.normative_docs_issued": "6",  # 件
    "lg.proactive.via_gazette": "17",  # items numbered "1."
    "lg.proactive.via_website": "5701",
    "lg.proactive.via_weibo": "230",
    "lg.proactive.via_wechat": "1870",
    "lg.proactive.via_other": "8260",
    # 二、回应解读情况
    "lg.response.hot_topics": "38",  # 次
    "lg.response.press_conferences": "1（新闻通气会）",
    "lg.response.press_conferences_by_head": "0",
    "lg.response.online_interviews": "6",
    "lg.response.online_interviews_by_head": "3",
    "lg.response.interpretations": "12",  # 篇
    "lg.response.weibo_wechat_events": "18",
    "lg.response.other_events": "154",
    # 三、依申请公开情况 (all 件)
    "lg.request.received": "0",
    "lg.request.in_person": "0",
    "lg.request.fax": "0",
    "lg.request.online": "0",
    "lg.request.letter": "0",
    "lg.request.closed": "0",
    "lg.request.closed_on_time": "0",
    "lg.request.closed_extended": "0",
    "lg.request.answered": "0",
    "lg.request.already_public": "0",
    "lg.request.granted": "0",  # printed "2.同一公开答复数"
    "lg.request.partially_granted": "0",
    "lg.request.refused": "0",
    "lg.request.refused_state_secret": "0",  # printed "其中：涉及国家机密"; the header row repeats after it
    "lg.request.refused_commercial_secret": "0",  # printed "涉及商业机密"
    "lg.request.refused_privacy": "0",
    "lg.request.refused_security_stability": "0",  # printed "危机国家安全、…"
    "lg.request.refused_not_gov_info": "0",
    "lg.request.refused_other_legal": "0",
    "lg.request.not_this_agency": "0",
    "lg.request.not_exist": "0",
    "lg.request.told_to_amend": "0",  # printed "7.告知做出更改补充数"
    "lg.request.told_other_channel": "0",
    # 四 … 七
    "lg.review.total": "0",
    "lg.review.upheld": "0",
    "lg.review.corrected": "0",
    "lg.review.other": "0",
    "lg.suit.total": "0",  # printed "五、行政诉讼量"
    "lg.suit.upheld": "0",
    "lg.suit.corrected": "0",
    "lg.complaints.total": "0",
    "lg.fees.amount": "0",  # 万元
    # 八、机构建设和保障经费情况
    "lg.org.dedicated_units": "33",  # 个
    "lg.org.reading_points": "15",  # 个
    "lg.org.staff_total": "116",  # unit printed 个
    "lg.org.staff_full_time": "67",  # 个
    "lg.org.staff_part_time": "49",  # 个
    "lg.org.budget": "97",  # 万元; note "…等方面经费"
    # 九、政府信息公开会议和培训情况
    "lg.meetings.meetings": "1",  # 次
    "lg.meetings.trainings": "8",  # 次
    "lg.meetings.trainees": "232",  # 人次
}
YANCHI_2018_FOOTER = {"filer": "盐池县人民政府办公室", "head": "郑参", "reviewer": "陈艳宁", "preparer": "王煦骅"}
YANCHI_2018_FILED_ON = (2019, 2, 11)  # 填报日期：2019年2月11日
