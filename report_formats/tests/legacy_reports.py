"""Synthetic reports of the years before 2019, composed at test time: the importer and validator fixtures of the
2014–2018 统计表 (LEGACY_2014), the local 4-column 附表 (LOCAL), a report with figures in prose only and a
document that is not a report.

Agencies, people, numbers and wording are invented; the row labels are the statutory 2014–2018 统计表 labels.
Each text reproduces, on purpose, what published reports of those years are seen to do, so that the importers
and the validator meet it here:

- `prefecture_2017()` (青山州): the full legacy table flattened one cell a line, with extraction damage (every
  one-character unit cell lost, only 万元 and 人次 survive; blank cells leave no line), the note of row (一) on
  a line of its own, items numbered "1、", the title misprinted "政府信政息…", "人数员", "(二)依法纠错数", and a
  statistical period printed without 年/月 ("201711日至1231日"). The table's own inconsistencies: 行政复议数量 ≠
  维持 + 纠错 + 其他 (cases unaccounted for), the channels short of 主动公开政府信息数 (all at 州本级), 申请答复数
  printed blank while 同意公开答复数 is not, and 其他方式回应事件数 copied from 其他方式公开政府信息数. The prose
  splits most figures into 州本级 + 县市 (a part, such as 州本级 11 reviews, is not the total).
- `county_2018()` (清河县): the table tab-separated with every unit, label typos (同一公开答复数, 涉及国家机密,
  危机国家安全, 告知做出, 五、行政诉讼量, 个 for staff), the header row repeated at a page break, an annotated
  cell "1（新闻通气会）" and the row 行政诉讼（三）其他情形数 not printed; the channels short of the total.
- `township_2018()` (白石乡): the local table 指标 / 单位 / 2018 / 历年累计 flattened, its header garbled and its
  unit cells empty; published before the 2019 revision of the 条例 yet citing it as "新修订的"; no fee item.
- `prose_county_2018()` (柳溪县): no table; figures in prose (累计…条, 新增…条, shares in %), no 依申请, fee or
  复议诉讼 item.
- `policy_2016()` (石门市): an implementation plan (实施方案), not an annual report.

Every expected cell is computed from the inputs below (`*_values()`, `*_printed()`); `Composed.lines` says on
which line the generator printed what, so that positions in findings are checked against the text itself."""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------------- helpers


@dataclass
class Composed:
    name: str  # a file name, as an upload would carry it
    agency: str | None  # the short name the title gives
    year: int | None
    text: str
    lines: dict[str, int] = field(default_factory=dict)  # landmark (a cell id, "repeated_header"…) → line number

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    def where(self, landmark: str) -> str:
        return f"第{self.lines[landmark]}行"


class _Page:
    """Lines of a text, numbered from 1 as the text importer numbers them."""

    def __init__(self):
        self.lines: list[str] = []
        self.marks: dict[str, int] = {}

    def add(self, text: str = "", mark: str | None = None) -> None:
        self.lines.append(text)
        if mark:
            self.marks[mark] = len(self.lines)

    def para(self, text: str, mark: str | None = None) -> None:
        """A paragraph and the empty line after it (web-page extractions separate every block so)."""
        self.add(text, mark)
        self.add()

    def composed(self, name: str, agency: str | None, year: int | None) -> Composed:
        return Composed(name, agency, year, "\n".join(self.lines) + "\n", dict(self.marks))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}"


def _blank_or(value) -> str:
    return "" if value is None else str(value)


LG_MONEY = ("lg.fees.amount", "lg.org.budget")


def importer_cells(values: dict) -> dict:
    """The importer's JSON form of a table: counts as ints, 万元 amounts as decimal strings, blanks None."""
    return {cid: (str(v) if cid in LG_MONEY and v is not None else v) for cid, v in values.items()}


REQUEST_ROWS = ("received", "in_person", "fax", "online", "letter", "closed", "closed_on_time", "closed_extended",
                "answered", "already_public", "granted", "partially_granted", "refused", "refused_state_secret",
                "refused_commercial_secret", "refused_privacy", "refused_security_stability", "refused_not_gov_info",
                "refused_other_legal", "not_this_agency", "not_exist", "told_to_amend", "told_other_channel")

# ===================================================================================== 青山州 2017 (prefecture)

PREFECTURE = "青山州"
PREFECTURE_YEAR = 2017
PREFECTURE_FILE = "2017-qingshan-prefecture-annual-report.txt"
PREFECTURE_SIGNED = "2018年3月20日"
PREFECTURE_FOOTER = {"filer": "青山州政务公开办公室", "head": "韩立松", "reviewer": "蒋文洁", "preparer": "沈悦"}
PREFECTURE_FILED_ON = (2018, 3, 20)  # no 填报日期 printed: the report's signing date

# (州本级, 县市) for the figures the prose splits by level.
P_CHANNELS = {"via_gazette": (97, 1846), "via_website": (43310, 104271), "via_weibo": (512, 431),
              "via_wechat": (208, 395), "via_other": (4117, 32611)}
P_UNLISTED = 12964  # 州本级 items counted in its total but in no channel: the table's channel shortfall (LG-W01)
P_NORMATIVE = (19, 195)  # 主动公开规范性文件 = 制发规范性文件总数
P_HOT_TOPICS = (29, 98)
P_PRESS, P_INTERVIEWS, P_INTERPRETATIONS = 23, 5, 108  # every one with the 主要负责同志
P_REQUESTS = (8, 4)  # received; all closed on time, all granted
P_REQUEST_WAYS = {"in_person": 1, "online": 9, "letter": 2}  # 传真申请数 printed blank
P_REVIEWS = {"州本级": {"accepted": 11, "upheld": 5, "corrected": 3, "other": 0},
             "县市": {"accepted": 76, "upheld": 41, "corrected": 18, "other": 2}}  # other: 确认违法
P_SUITS = 3  # all upheld
P_UNITS = 8
P_READING_POINTS = (61, 49)
P_FULL_TIME = (3, 36)
P_PART_TIME = (142, 511)
P_BUDGET = (8, 47)  # 万元
P_MEETINGS = (4, 22)
P_TRAININGS = (3, 25)
P_TRAINEES = (410, 2216)
# The printed blanks (read as 0 by the validator, T-I01); 申请答复数 is blank too but is derived (T-W02).
P_BLANKS = ("lg.request.fax", "lg.request.closed_extended", "lg.request.already_public",
            "lg.request.partially_granted", "lg.request.refused", "lg.request.refused_state_secret",
            "lg.request.refused_commercial_secret", "lg.request.refused_privacy",
            "lg.request.refused_security_stability", "lg.request.refused_not_gov_info",
            "lg.request.refused_other_legal", "lg.request.not_this_agency", "lg.request.not_exist",
            "lg.request.told_to_amend", "lg.request.told_other_channel", "lg.suit.corrected", "lg.suit.other")
assert sum(P_REQUEST_WAYS.values()) == sum(P_REQUESTS)


def _level(pair) -> int:
    return pair[0] + pair[1]


def p_channel_total(level: int | None = None) -> int:
    """The channels' sum: the whole table (None), 州本级 (0) or 县市 (1)."""
    return sum(pair[level] if level is not None else _level(pair) for pair in P_CHANNELS.values())


def p_proactive() -> tuple[int, int]:
    """主动公开政府信息数 (州本级, 县市): the 县市 channels add up to their total, 州本级's fall short."""
    return p_channel_total(0) + P_UNLISTED, p_channel_total(1)


def p_reviews() -> dict[str, int]:
    """The table's 行政复议 rows: each sub-row the sum of the levels, the total the sum of cases accepted."""
    return {k: sum(level[k] for level in P_REVIEWS.values()) for k in ("accepted", "upheld", "corrected", "other")}


def prefecture_values() -> dict:
    """cell id → number (None = printed blank), the whole 2014–2018 row list."""
    reviews = p_reviews()
    values = {
        "lg.proactive.total": _level(p_proactive()),
        "lg.proactive.normative_docs_published": _level(P_NORMATIVE),
        "lg.proactive.normative_docs_issued": _level(P_NORMATIVE),
        **{f"lg.proactive.{k}": _level(v) for k, v in P_CHANNELS.items()},
        "lg.response.hot_topics": _level(P_HOT_TOPICS),
        "lg.response.press_conferences": P_PRESS, "lg.response.press_conferences_by_head": P_PRESS,
        "lg.response.online_interviews": P_INTERVIEWS, "lg.response.online_interviews_by_head": P_INTERVIEWS,
        "lg.response.interpretations": P_INTERPRETATIONS, "lg.response.weibo_wechat_events": 0,
        "lg.response.other_events": _level(P_CHANNELS["via_other"]),  # copied from the row above (T-I04)
        **{f"lg.request.{k}": None for k in REQUEST_ROWS},
        "lg.request.received": _level(P_REQUESTS), **{f"lg.request.{k}": v for k, v in P_REQUEST_WAYS.items()},
        "lg.request.closed": _level(P_REQUESTS), "lg.request.closed_on_time": _level(P_REQUESTS),
        "lg.request.granted": _level(P_REQUESTS),
        "lg.review.total": reviews["accepted"], "lg.review.upheld": reviews["upheld"],
        "lg.review.corrected": reviews["corrected"], "lg.review.other": reviews["other"],
        "lg.suit.total": P_SUITS, "lg.suit.upheld": P_SUITS, "lg.suit.corrected": None, "lg.suit.other": None,
        "lg.complaints.total": 0, "lg.fees.amount": 0,
        "lg.org.dedicated_units": P_UNITS, "lg.org.reading_points": _level(P_READING_POINTS),
        "lg.org.staff_total": _level(P_FULL_TIME) + _level(P_PART_TIME),
        "lg.org.staff_full_time": _level(P_FULL_TIME), "lg.org.staff_part_time": _level(P_PART_TIME),
        "lg.org.budget": _level(P_BUDGET),
        "lg.meetings.meetings": _level(P_MEETINGS), "lg.meetings.trainings": _level(P_TRAININGS),
        "lg.meetings.trainees": _level(P_TRAINEES),
    }
    assert {cid for cid, v in values.items() if v is None} == {*P_BLANKS, "lg.request.answered"}
    return values


def prefecture_printed() -> dict[str, str]:
    """cell id → the text printed in the 统计数 column ("" = printed blank)."""
    return {cid: _blank_or(v) for cid, v in prefecture_values().items()}


# (cell id or None for a group row, label as printed, unit that survives the extraction, note on its own line)
_P_ROWS = (
    (None, "一、主动公开情况", None, None),
    ("lg.proactive.total", "(一)主动公开政府信息数", None, "(不同渠道和方式公开相同的信息列为1条)"),
    ("lg.proactive.normative_docs_published", "其中:主动公开规范性文件数", None, None),
    ("lg.proactive.normative_docs_issued", "制发规范性文件总数", None, None),
    (None, " (二)通过不同渠道和方式公开政府信息的情况", None, None),
    ("lg.proactive.via_gazette", "     1、政府公报公开政府信息数", None, None),
    ("lg.proactive.via_website", "     2、政府网站公开政府信息数", None, None),
    ("lg.proactive.via_weibo", "     3、政务微博公开政府信息数", None, None),
    ("lg.proactive.via_wechat", "     4、政务微信公开政府信息数", None, None),
    ("lg.proactive.via_other", "     5、其他方式公开政府信息数", None, None),
    (None, "二、回应解读情况", None, None),
    ("lg.response.hot_topics", "  (一)回应公众关注热点或重大舆情数", None, None),
    (None, "      (不同方式回应同一热点或舆情计1次)", None, None),  # the note printed after the number
    (None, "  (二)通过不同渠道和方式回应解读的情况", None, None),
    ("lg.response.press_conferences", "     1、参加或举办新闻发布会总次数", None, None),
    ("lg.response.press_conferences_by_head", "     其中:主要负责同志参加新闻发布会次数", None, None),
    ("lg.response.online_interviews", "     2、政府网站在线访谈次数", None, None),
    ("lg.response.online_interviews_by_head", "     其中:主要负责同志参加政府网站在线访谈次数", None, None),
    ("lg.response.interpretations", "     3、政策解读稿件发布数", None, None),
    ("lg.response.weibo_wechat_events", "     4、微博微信回应事件数", None, None),
    ("lg.response.other_events", "     5、其他方式回应事件数", None, None),
    (None, "三、依申请公开情况", None, None),
    ("lg.request.received", "(一)收到申请数", None, None),
    ("lg.request.in_person", "     1、当面申请数", None, None),
    ("lg.request.fax", "     2、传真申请数", None, None),
    ("lg.request.online", "     3、网络申请数", None, None),
    ("lg.request.letter", "     4、信函申请数", None, None),
    ("lg.request.closed", "  (二)申请办结数", None, None),
    ("lg.request.closed_on_time", "     1、按时办结数", None, None),
    ("lg.request.closed_extended", "     2、延期办结数", None, None),
    ("lg.request.answered", "  (三)申请答复数", None, None),
    ("lg.request.already_public", "     1、属于已主动公开范围数", None, None),
    ("lg.request.granted", "     2、同意公开答复数", None, None),
    ("lg.request.partially_granted", "     3、同意部分公开答复数", None, None),
    ("lg.request.refused", "     4、不同意公开答复数", None, None),
    ("lg.request.refused_state_secret", "     其中:涉及国家秘密", None, None),
    ("lg.request.refused_commercial_secret", "           涉及商业秘密", None, None),
    ("lg.request.refused_privacy", "           涉及个人隐私", None, None),
    ("lg.request.refused_security_stability", "           危及国家安全、公共安全、经济安全和社会稳定", None, None),
    ("lg.request.refused_not_gov_info", "          不是《条例》所指政府信息", None, None),
    ("lg.request.refused_other_legal", "          法律法规规定的其他情形", None, None),
    ("lg.request.not_this_agency", "     5、不属于本行政机关公开数", None, None),
    ("lg.request.not_exist", "     6、申请信息不存在数", None, None),
    ("lg.request.told_to_amend", "     7、告知作出更改补充数", None, None),
    ("lg.request.told_other_channel", "     8、告知通过其他途径办理数", None, None),
    ("lg.review.total", "四、行政复议数量", None, None),
    ("lg.review.upheld", "  (一)维持具体行政行为数", None, None),
    ("lg.review.corrected", "  (二)被依法纠错数", None, None),
    ("lg.review.other", "  (三)其他情形数", None, None),
    ("lg.suit.total", "五、行政诉讼数量", None, None),
    ("lg.suit.upheld", "  (一)维持具体行政行为或者驳回原告诉讼请求数", None, None),
    ("lg.suit.corrected", "(二)依法纠错数", None, None),
    ("lg.suit.other", "(三)其他情形数", None, None),
    ("lg.complaints.total", "六、举报投诉数量", None, None),  # no sub-rows
    ("lg.fees.amount", "七、依申请公开信息收取的费用", "万元", None),
    (None, "八、机构建设和保障经费情况", None, None),
    ("lg.org.dedicated_units", "  (一)政府信息公开工作专门机构数", None, None),
    ("lg.org.reading_points", "  (二)设置政府信息公开查阅点数", None, None),
    ("lg.org.staff_total", "  (三)从事政府信息公开工作人数员", None, None),
    ("lg.org.staff_full_time", "        1、专职人员数(不包括政府公报及政府网站工作人员数)", None, None),
    ("lg.org.staff_part_time", "        2、兼职人员数", None, None),
    ("lg.org.budget", "    (四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "万元", None),
    (None, "九、政府信息公开会议和培训情况", None, None),
    ("lg.meetings.meetings", "    (一)召开政府信息公开工作会议或专题会议数", None, None),
    ("lg.meetings.trainings", "    (二)举办各类培训班数", None, None),
    ("lg.meetings.trainees", "    (三)接受培训人员数", "人次", None),
)


def prefecture_2017() -> Composed:
    year, name = PREFECTURE_YEAR, PREFECTURE
    v = prefecture_values()
    state, counties = p_proactive()
    reviews, s, c = p_reviews(), P_REVIEWS["州本级"], P_REVIEWS["县市"]
    ch = P_CHANNELS
    page = _Page()
    page.para("政府信息公开")
    page.para(f"{name}{year}年政府信息公开工作年度报告", mark="title")
    page.para(f"   根据《中华人民共和国政府信息公开条例》精神,特向社会公布青山自治州{year}年度政府信息公开工作报告。"
              "本报告由概述,主动公开情况,回应解读情况,依申请公开情况,行政复议、行政诉讼和举报投诉情况,机构建设和保障"
              "经费情况,政府信息公开会议和培训情况,工作存在的主要问题及改进情况和附表共九个部分组成。"
              f"本报告中所列数据的统计期限为{year}11日至1231日。本报告的电子版可在州政府网站下载。如对本报告有任何疑问,"
              "请与州政务公开办公室联系。", mark="period")
    page.para("  一、概述")
    page.para(f"  {year}年,青山自治州坚持以公开为常态、不公开为例外的原则,推进决策公开、执行公开、管理公开、服务公开、"
              "结果公开,突出机制建设、网站管理和便民服务,政务公开工作水平进一步提升。")
    page.para("  (一)抓机制建设,确保政务公开工作有效开展")
    page.para("  1.健全政务公开领导机制。州政务公开领导小组由州长任组长,领导小组办公室设州政府办,编制2人。"
              f"州、县市从事政务公开工作人员达{_level(P_PART_TIME)}名。")
    page.para("  (二)抓网站管理,深化政府信息公开")
    page.para(f"  1.信息更新发布不断强化。{year}年,全州共发布信息{state}条,公开政策文件412份,州政府网站新增政务公开"
              "要点专栏。")
    page.para("  2.及时回应社会关切。“州长信箱”共收件184件(有效152件、无效32件),立案交办97件,到期办结96件。"
              "通过官方微博和微信号发布信息720条。")
    page.para("    二、主动公开情况")
    page.para(f"    (一)政府信息公开的内容。{year}年,全州各级政府主动公开政府信息{state + counties}条,其中,州本级{state}条,"
              f"县市{counties}条,分别占{_pct(state, state + counties)}%和{_pct(counties, state + counties)}%。"
              f"主动公开规范性文件{_level(P_NORMATIVE)}条,其中,州本级{P_NORMATIVE[0]}条。", mark="prose.proactive")
    page.para(f"    (二)政府信息公开方式。一是政府公报。州、县市政府公报全年公开{_level(ch['via_gazette'])}条,其中,州本级"
              f"{ch['via_gazette'][0]}条,县市{ch['via_gazette'][1]}条。二是政府网站。各级政府网站全年主动公开政府信息"
              f"{_level(ch['via_website'])}条,其中,州本级{ch['via_website'][0]}条,县市{ch['via_website'][1]}条。"
              f"三是政务微博。全州通过政务微博公开信息{_level(ch['via_weibo'])}条,其中,州本级{ch['via_weibo'][0]}条,"
              f"县市{ch['via_weibo'][1]}条。四是政务微信。全州通过政务微信公开信息{_level(ch['via_wechat'])}条,其中,州本级"
              f"{ch['via_wechat'][0]}条,县市{ch['via_wechat'][1]}条。五是其他渠道公开。全州通过报刊、专栏等渠道公开政府"
              f"信息{_level(ch['via_other'])}条,其中,州本级{ch['via_other'][0]}条,县市{ch['via_other'][1]}条。")
    page.para(f"    三、回应解读情况。据统计,全州回应公众关注热点或重大舆情{_level(P_HOT_TOPICS)}次,其中,州本级"
              f"{P_HOT_TOPICS[0]}次,县市{P_HOT_TOPICS[1]}次。全州共召开各类新闻发布会{P_PRESS}场次。")
    page.para(f"    四、依申请公开情况。一是依申请公开申请情况。{year}年,州、县市政府共收到依申请公开{_level(P_REQUESTS)}件,"
              f"其中,州本级{P_REQUESTS[0]}件,县市{P_REQUESTS[1]}件。二是对依申请公开事项的处理情况。州、县市依申请公开"
              f"办结数为 {_level(P_REQUESTS)}件(均按法定时限办结),其中,州本级{P_REQUESTS[0]}件,县市{P_REQUESTS[1]}件。"
              "三是对公民、法人和其他组织的收费及减免情况。州、县市依申请公开均实行免费,未收取任何费用。")
    page.para(f"    五、行政复议、行政诉讼和举报投诉情况。全州{year}年受理政府信息公开行政复议案件{reviews['accepted']}件,"
              f"其中:州本级行政复议受理{s['accepted']}件,维持具体行政行为数{s['upheld']}件,被依法纠错数{s['corrected']}件;"
              f"县市{c['accepted']}件,维持具体行政行为数{c['upheld']}件,被依法纠错数{c['corrected']}件,确认违法"
              f"{c['other']}件。行政诉讼{P_SUITS}件,维持具体行政行为或者驳回原告诉讼请求数{P_SUITS}件。", mark="prose.appeals")
    page.para("    六、机构建设和保障经费情况。一是政府信息公开工作专门机构、政府信息公开查阅情况。州、县市均设立了政府信息"
              f"公开专门机构,共有专门机构{P_UNITS}个。全州共有查阅点{_level(P_READING_POINTS)}个,其中,州本级"
              f"{P_READING_POINTS[0]}个,县市{P_READING_POINTS[1]}个。二是从事政府信息公开工作专职或兼职人员情况。全州政府"
              f"信息公开专职人员{_level(P_FULL_TIME)}个,其中,州本级{P_FULL_TIME[0]}人,县市{P_FULL_TIME[1]}人;兼职人员"
              f"{_level(P_PART_TIME)}人,其中,州本级{P_PART_TIME[0]}人,县市{P_PART_TIME[1]}人。三是政府信息公开事务财政"
              f"情况。全州政府信息公开专项经费{_level(P_BUDGET)}万元,其中,州本级{P_BUDGET[0]}万元,县市{P_BUDGET[1]}万元。")
    page.para(f"    七、政府信息公开会议和培训情况。据统计,全州召开政府信息公开工作会议或专题会议{_level(P_MEETINGS)}次,"
              f"其中,州本级{P_MEETINGS[0]}次,县市{P_MEETINGS[1]}次。举办各类培训班{_level(P_TRAININGS)}次,其中,州本级"
              f"{P_TRAININGS[0]}次,县市{P_TRAININGS[1]}次;接受培训人数达{_level(P_TRAINEES)}人次,其中,州本级"
              f"{P_TRAINEES[0]}人次,县市{P_TRAINEES[1]}人次。")
    page.para("  八、工作存在的主要问题和改进情况。当前,政府信息公开存在的主要问题:一是部分单位业务部门与公开部门之间"
              "协同不够;二是重点领域公开工作有待加强。下步将进一步完善工作机制,加大培训力度。")
    page.para("  九、附表")
    page.para(f"  详见《青山自治州{year}年度政府信息公开情况统计表》。")
    page.para("  青山自治州人民政府办公室   ")
    page.para(f"                                                             {PREFECTURE_SIGNED}")
    # 附表: one cell a line, an empty line after each; lost unit cells and blank cells leave nothing.
    page.para("政府信政息公开情况统计表")
    page.para(f"({year} 年度)")
    page.para(" ")
    page.para(f"填报单位(盖章):{PREFECTURE_FOOTER['filer']}")
    for header in ("统计指标", "单位", "统计数"):
        page.para(header)
    for cid, label, unit, note in _P_ROWS:
        page.para(label)
        if note:
            page.para(note)
        if cid is None:
            page.para(" ")
            continue
        if unit:
            page.para(unit)
        value = v[cid]
        page.para(" " if value is None else str(value), mark=None if value is None else cid)
    page.para(f"单位负责人:{PREFECTURE_FOOTER['head']}        审核人:{PREFECTURE_FOOTER['reviewer']}        "
              f"填报人:{PREFECTURE_FOOTER['preparer']}")
    page.add(" ")
    return page.composed(PREFECTURE_FILE, name, year)


# ===================================================================================== 清河县 2018 (county)

COUNTY = "清河县"
COUNTY_YEAR = 2018
COUNTY_FILE = "2018-qinghe-county-annual-report.txt"
COUNTY_FOOTER = {"filer": "清河县人民政府办公室", "head": "邵成林", "reviewer": "温晓静", "preparer": "贺一鸣"}
COUNTY_FILED_ON = (2019, 2, 18)

C_CHANNELS = {"via_gazette": 21, "via_website": 6342, "via_weibo": 287, "via_wechat": 1613, "via_other": 7405}
C_UNLISTED = 9  # the channel shortfall (LG-W01)
C_NORMATIVE = 7
C_HOT_TOPICS = 41
C_PRESS, C_PRESS_NOTE, C_PRESS_BY_HEAD = 1, "（新闻通气会）", 0  # printed "1（新闻通气会）": annotated
C_INTERVIEWS, C_INTERVIEWS_BY_HEAD = 5, 2
C_INTERPRETATIONS, C_WEIBO_WECHAT, C_OTHER_EVENTS = 14, 23, 167
C_UNITS = {"政府部门": 19, "政府直属事业单位": 2, "乡镇": 7, "街道办事处": 1}  # 专门机构 = the units reporting
C_READING_POINTS = 13
C_FULL_TIME, C_PART_TIME = 58, 44
C_BUDGET = 86  # 万元
C_MEETINGS = 1
C_TRAININGS = (1, 5)  # the county's own, its departments'
C_TRAINEES = 214
C_NOT_PRINTED = "lg.suit.other"  # 行政诉讼（三）其他情形数


def c_proactive() -> int:
    return sum(C_CHANNELS.values()) + C_UNLISTED


def county_values() -> dict:
    """cell id → number; the row not printed has no key. No requests, reviews or lawsuits in the year."""
    return {
        "lg.proactive.total": c_proactive(),
        "lg.proactive.normative_docs_published": C_NORMATIVE, "lg.proactive.normative_docs_issued": C_NORMATIVE,
        **{f"lg.proactive.{k}": n for k, n in C_CHANNELS.items()},
        "lg.response.hot_topics": C_HOT_TOPICS,
        "lg.response.press_conferences": C_PRESS, "lg.response.press_conferences_by_head": C_PRESS_BY_HEAD,
        "lg.response.online_interviews": C_INTERVIEWS, "lg.response.online_interviews_by_head": C_INTERVIEWS_BY_HEAD,
        "lg.response.interpretations": C_INTERPRETATIONS, "lg.response.weibo_wechat_events": C_WEIBO_WECHAT,
        "lg.response.other_events": C_OTHER_EVENTS,
        **{f"lg.request.{k}": 0 for k in REQUEST_ROWS},
        "lg.review.total": 0, "lg.review.upheld": 0, "lg.review.corrected": 0, "lg.review.other": 0,
        "lg.suit.total": 0, "lg.suit.upheld": 0, "lg.suit.corrected": 0,
        "lg.complaints.total": 0, "lg.fees.amount": 0,
        "lg.org.dedicated_units": sum(C_UNITS.values()), "lg.org.reading_points": C_READING_POINTS,
        "lg.org.staff_total": C_FULL_TIME + C_PART_TIME, "lg.org.staff_full_time": C_FULL_TIME,
        "lg.org.staff_part_time": C_PART_TIME, "lg.org.budget": C_BUDGET,
        "lg.meetings.meetings": C_MEETINGS, "lg.meetings.trainings": sum(C_TRAININGS),
        "lg.meetings.trainees": C_TRAINEES,
    }


def county_printed() -> dict[str, str]:
    printed = {cid: str(v) for cid, v in county_values().items()}
    printed["lg.response.press_conferences"] = f"{C_PRESS}{C_PRESS_NOTE}"
    return printed


COUNTY_FLAGS = {"lg.response.press_conferences": {"annotated"}}

# (cell id or None, label as printed with its typos, unit); "HEADER" repeats the header row (page break), "" is
# an empty line inside the table.
_C_ROWS = (
    (None, "一、主动公开情况", ""),
    ("lg.proactive.total", "（一）主动公开政府信息数 （不同渠道和方式公开相同信息计1条）", "条"),
    ("lg.proactive.normative_docs_published", "其中：主动公开规范性文件数", "条"),
    ("lg.proactive.normative_docs_issued", "制发规范性文件总数", "件"),
    (None, "（二）通过不同渠道和方式公开政府信息的情况", ""),
    ("lg.proactive.via_gazette", "1.政府公报公开政府信息数", "条"),
    ("lg.proactive.via_website", "2.政府网站公开政府信息数", "条"),
    ("lg.proactive.via_weibo", "3.政务微博公开政府信息数", "条"),
    ("lg.proactive.via_wechat", "4.政务微信公开政府信息数", "条"),
    ("lg.proactive.via_other", "5.其他方式公开政府信息数", "条"),
    (None, "二、回应解读情况", ""),
    ("lg.response.hot_topics", "（一）回应公众关注热点或重大舆情数 （不同方式回应同一热点或舆情计1次）", "次"),
    (None, "（二）通过不同渠道和方式回应解读的情况", ""),
    ("lg.response.press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("lg.response.press_conferences_by_head", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("lg.response.online_interviews", "2.政府网站在线访谈次数", "次"),
    ("lg.response.online_interviews_by_head", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("lg.response.interpretations", "3.政策解读稿件发布数", "篇"),
    ("lg.response.weibo_wechat_events", "4.微博微信回应事件数", "次"),
    ("lg.response.other_events", "5.其他方式回应事件数", "次"),
    (None, "三、依申请公开情况", ""),
    ("lg.request.received", "（一）收到申请数", "件"),
    ("lg.request.in_person", "1.当面申请数", "件"),
    ("lg.request.fax", "2.传真申请数", "件"),
    ("lg.request.online", "3.网络申请数", "件"),
    ("lg.request.letter", "4.信函申请数", "件"),
    ("lg.request.closed", "（二）申请办结数", "件"),
    ("lg.request.closed_on_time", "1.按时办结数", "件"),
    ("lg.request.closed_extended", "2.延期办结数", "件"),
    ("lg.request.answered", "（三）申请答复数", "件"),
    ("lg.request.already_public", "1.属于已主动公开范围数", "件"),
    ("lg.request.granted", "2.同一公开答复数", "件"),  # typo: 同一 for 同意
    ("lg.request.partially_granted", "3.同意部分公开答复数", "件"),
    ("", "", ""),
    ("lg.request.refused", "4.不同意公开答复数", "件"),
    ("lg.request.refused_state_secret", "其中：涉及国家机密", "件"),  # 机密 for 秘密
    ("HEADER", "", ""),
    ("lg.request.refused_commercial_secret", "涉及商业机密", "件"),
    ("lg.request.refused_privacy", "涉及个人隐私", "件"),
    ("lg.request.refused_security_stability", "危机国家安全、公共安全、经济安全和社会稳定", "件"),  # 危机 for 危及
    ("lg.request.refused_not_gov_info", "不是《条例》所指政府信息", "件"),
    ("lg.request.refused_other_legal", "法律法规规定的其他情形", "件"),
    ("lg.request.not_this_agency", "5.不属于本行政机关公开数", "件"),
    ("lg.request.not_exist", "6.申请信息不存在数", "件"),
    ("lg.request.told_to_amend", "7.告知做出更改补充数", "件"),  # 做出 for 作出
    ("lg.request.told_other_channel", "8.告知通过其他途径办理数", "件"),
    ("lg.review.total", "四、行政复议数量", "件"),
    ("lg.review.upheld", "（一）维持具体行政行为数", "件"),
    ("lg.review.corrected", "（二）被依法纠错数", "件"),
    ("lg.review.other", "（三）其他情形数", "件"),
    ("lg.suit.total", "五、行政诉讼量", "件"),  # 诉讼量 for 诉讼数量
    ("lg.suit.upheld", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("lg.suit.corrected", "（二）被依法纠错数", "件"),
    # （三）其他情形数 not printed
    ("lg.complaints.total", "六、举报投诉数量", "件"),
    ("lg.fees.amount", "七、依申请公开信息收取的费用", "万元"),
    (None, "八、机构建设和保障经费情况", ""),
    ("lg.org.dedicated_units", "（一）政府信息公开工作专门机构数", "个"),
    ("lg.org.reading_points", "（二）设置政府信息公开查阅点数", "个"),
    ("lg.org.staff_total", "（三）从事政府信息公开工作人员数", "个"),  # 个 for 人
    ("lg.org.staff_full_time", "1.专职人员数(不包括政府公报及政府网站工作人员数)", "个"),
    ("lg.org.staff_part_time", "2.兼职人员数", "个"),
    ("lg.org.budget", "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面经费）", "万元"),
    (None, "九、政府信息公开会议和培训情况", ""),
    ("lg.meetings.meetings", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("lg.meetings.trainings", "（二）举办各类培训班数", "次"),
    ("lg.meetings.trainees", "（三）接受培训人员数", "人次"),
)


def county_2018() -> Composed:
    year, name = COUNTY_YEAR, COUNTY
    printed = county_printed()
    units = C_UNITS
    page = _Page()
    page.add()
    page.add()
    page.para(f"{name} {year} 年政府信息公开工作年度报告", mark="title")
    page.para(f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，《{name} {year} 年政府信息公开工作年度报告》"
              f"已经{name}人民政府同意，现予呈报。")
    page.para(f"本报告由{name}人民政府办公室汇总了全县 {units['政府部门']} 个政府部门、{units['政府直属事业单位']} 个政府直属"
              f"事业单位、{units['乡镇']} 个乡镇、{units['街道办事处']} 个街道办事处政府信息公开工作情况编制而成，所列政府信息公开"
              f"数据统计期限为 {year} 年 1 月 1 日至 {year} 年 12 月 31 日。本报告电子版可在{name}政府门户网站"
              "（<http://www.example.gov.cn>）查询或下载。", mark="period")
    page.para("一、工作概述")
    page.para(f"（一）健全完善组织机构。政务公开工作领导小组召开 {C_MEETINGS} 次专题会议，研究部署政务公开工作。"
              "政务公开办公室配置了 3 名专职、2 名兼职共 5 名工作人员。")
    page.para(f"（二）加强培训深化宣传。在全县范围内举办政务公开工作专题培训班 {C_TRAININGS[0]} 次，相关单位举办培训班 "
              f"{C_TRAININGS[1]} 次，累计对我县 46 个单位 {C_TRAINEES} 名领导干部进行了学习培训。")
    page.para("二、主动公开政府信息情况")
    page.para(f"{year} 年全县 {sum(units.values())} 个信息公开部门主动公开信息累计 {c_proactive()} 条。")
    page.para(f"其中通过政府网站公开各类政策文件 {C_CHANNELS['via_website']} 条，通过公报、报刊、广播、电视、公开专栏等载体"
              f"公开信息 {C_CHANNELS['via_other']} 条，通过政务微博、微信公开政务信息 "
              f"{C_CHANNELS['via_weibo'] + C_CHANNELS['via_wechat']} 余条。")
    page.para("三、开展政策解读、回应社会关切情况")
    page.para(f"{year}年解读各类政策性文件{C_INTERPRETATIONS}件。累计回应舆情{C_HOT_TOPICS}次。县长信箱、政府微博、群众来信"
              f"来访，解答、解决各类问题 {C_WEIBO_WECHAT + C_OTHER_EVENTS} 件。")
    page.para("四、政府信息依申请公开工作情况")
    page.para("完善了依申请公开制度，明确了受理、审核、处理、答复等各环节的具体要求。截至目前，我县未收到政府信息依申请公开。")
    page.para("五、存在问题及下一步工作打算")
    page.para(f"{year} 年，我县公开工作还存在一些问题，具体表现为：**一是**部分单位公开的内容避实就虚。**二是**重点领域信息"
              "公开与上级要求存在差距。下一步将进一步加强政府信息公开工作和网站管理。")
    page.para(f"附件：{year} 年{name}政府信息公开情况统计表")
    page.para("附件")
    page.para(f"{year}年度政府信息公开情况统计表")
    page.para(f"填报单位（盖章）：{COUNTY_FOOTER['filer']}")
    page.add("统计指标\t单位\t统计数", mark="header")
    for cid, label, unit in _C_ROWS:
        if cid == "HEADER":
            page.add("统计指标\t单位\t统计数", mark="repeated_header")
        elif cid == "":
            page.add()
        elif cid is None:
            page.add(f"{label}\t\t")
        else:
            page.add(f"{label}\t{unit}\t{printed[cid]}", mark=cid)
    page.add()
    page.para(f"单位负责人：{COUNTY_FOOTER['head']}")
    page.para(f"审核人：{COUNTY_FOOTER['reviewer']}")
    page.para(f"填报人：{COUNTY_FOOTER['preparer']}")
    y, m, d = COUNTY_FILED_ON
    page.add(f"填报日期：{y}年{m}月{d}日")
    return page.composed(COUNTY_FILE, name, year)


# ===================================================================================== 白石乡 2018 (township)

TOWNSHIP = "白石乡"
TOWNSHIP_YEAR = 2018
TOWNSHIP_FILE = "2018-baishi-township-annual-report.txt"
TOWNSHIP_PUBLISHED = "2019-01-14"  # before the revised 条例 was promulgated (2019-04-03)
T_PROACTIVE = (64, 702)  # (2018, 历年累计), all through the website
T_CATEGORIES = {"财政预算决算报告类信息": 4, "突发公共事件的应急预案预警信息": 9, "监督检查情况": 6, "其他类信息": 45}
T_HOTLINE = (6814, 27)  # 12345: "处理…诉求" (the district's figure) vs "受理…批转办件" (the township's)
assert sum(T_CATEGORIES.values()) == T_PROACTIVE[0]

# (row id, label as printed)
_T_ROWS = (
    ("proactive_docs", "  主动公开文件数"), ("via_website", "  其中:1.政府网站公开数"), ("via_gazette", "  2.政府公报公开数"),
    ("received", "  受理政府信息公开申请总数"), ("in_person", "  其中:1.当面申请数"), ("online", "  2.网络申请数"),
    ("letter_fax", "  3.信函、传真申请数"), ("answered", "  对申请的答复总数"), ("granted", "  其中:1.同意公开答复数"),
    ("partially_granted", "  2.同意部分公开答复数"), ("refused", "  3.不予公开答复数"),
    ("other_answers", "  4.其他类型答复数"), ("petitions", "  接受行政申诉、举报数"), ("reviews", "  行政复议数"),
    ("suits", "  行政诉讼数"),
)


def township_values() -> dict:
    """fj.<row>.year / .cumulative: the website carries every item, nothing else happened."""
    values = {f"fj.{row}.{col}": 0 for row, _ in _T_ROWS for col in ("year", "cumulative")}
    for row in ("proactive_docs", "via_website"):
        values[f"fj.{row}.year"], values[f"fj.{row}.cumulative"] = T_PROACTIVE
    return values


def township_2018() -> Composed:
    year, name = TOWNSHIP_YEAR, TOWNSHIP
    values = township_values()
    categories = "，".join(f"{k}{n}条" for k, n in T_CATEGORIES.items())
    page = _Page()
    page.para(f"{name}{year}年政府信息公开工作年度报告", mark="title")
    page.add(f"发布时间:{TOWNSHIP_PUBLISHED}")
    page.add("发布机构:")
    page.add("【字体:")
    page.add("索引号:   主题分类:   生成日期:  ")
    page.para(f"发布日期: {TOWNSHIP_PUBLISHED} 发布机构:   文 号:  ")
    page.para("根据《中华人民共和国政府信息公开条例》(以下简称条例)及省、市、区各级关于政府信息公开工作的有关规定编制而成。"
              "主要内容包括概述、主动公开情况、政府信息依申请公开办理情况、因政府信息公开申请行政复议提起行政诉讼的情况、"
              "政府信息公开工作存在的主要问题及改进措施、需要说明的其他事项与附表等六个部分组成。"
              f"年报数据统计期限为{year}11日至{year}1231日。如对本报告有疑问,请与{name}政府党政办公室联系。", mark="period")
    page.para("一、概述")
    page.para("(一)政府信息公开工作基本情况")
    page.para("结合本乡实际,积极推进政府信息公开工作的规范化、透明化,通过制度上墙、政府网站等多种途径对政务信息进行了"
              "及时主动公开。在政策文件公开后3个工作日内在区门户网站专栏发布解读。对涉及街道辖区的重大突发事件,快速反应,"
              "及时处置。")
    page.para(f"通过“12345”便民服务平台及时了解群众诉求和问询,目前共处理12345市民诉求{T_HOTLINE[0]}件。")
    page.para("指导督促我乡试点社区完成“社区政务综合服务平台”建设。")
    page.para("根据新修订的《中华人民共和国政府信息公开条例》,全面梳理应当主动公开的政府信息。领导小组下设办公室,配有1职"
              "工作人员具体负责信息公开工作。目前我乡政务公开工作无专项补贴等费用产生。")
    page.para("二、主动公开政府信息的情况")
    page.para("(一)主动公开政府信息的数量")
    page.para(f"{year}年度,{name}共发布各类信息{T_PROACTIVE[0]}条;历年累计{T_PROACTIVE[1]}条。")
    page.para("(二)主动公开政府信息的主要类别")
    page.para(f"{year}年度主动公开政府信息共有{T_PROACTIVE[0]}条,其中{categories}。")
    page.para("(三)开展政策解读工作情况,政策解读数量")
    page.para("无。")
    page.para("(四)回应社会关切情况")
    page.para(f"{year}年我乡共受理12345便民服务平台批转办件{T_HOTLINE[1]}件,办结回复率达100%")
    page.para("三、政府信息依申请公开办理情况")
    page.para(f"(一)受理申请的数量。{year}年度受理依申请公开0条,其中网络申请0条,信函申请数0条。历年累计0条。")
    page.para(f"(二)对申请的办理情况。{year}年度依申请公开答复分别为:同意公开答复数0条,同意部门公开答复数0条,"
              "其他类型答复0条。")
    page.para("四、因政府信息公开申请行政复议、提起行政诉讼的情况")
    page.para(f"{year}年度我乡发生0起因政府信息公开申请行政复议、的情况,历年申请行政复议共累计0起、行政诉讼0起。")
    page.para("五、政府信息公开工作存在的主要问题及改进措施")
    page.para("我乡政府信息公开工作依然存在以下问题:一是信息公开内容有待进一步深化。二是面向社会宣传力度不够。"
              "今后将进一步完善细化政府信息公开目录和内容。")
    page.para("六、需要说明的其他事项与附表")
    page.para("(一)需要说明的其他事项")
    page.para("无。")
    page.para("(二)附表")
    for header in ("  指   ", "单位", str(year), "历年累计"):  # the header garbled; unit cells are empty
        page.para(header)
    for row, label in _T_ROWS:
        page.para(label)
        page.para(str(values[f"fj.{row}.year"]), mark=f"fj.{row}.year")
        page.para(str(values[f"fj.{row}.cumulative"]), mark=f"fj.{row}.cumulative")
    page.para(" ")
    page.add("主办:白石乡人民政府 承办:白石乡党政办公室")
    page.add("地址:白石乡政府大院 邮政编码:000000")
    return page.composed(TOWNSHIP_FILE, name, year)


# ===================================================================================== 柳溪县 2018 (prose only)

PROSE_COUNTY = "柳溪县"
PROSE_YEAR = 2018
PROSE_FILE = "2018-liuxi-county-annual-report.txt"
PR_CUMULATIVE, PR_WEBSITE, PR_NEW = 13862, 7104, 97  # 累计主动公开, 政府网站公开, 本年度新增
# (category, items, share as printed): the printed shares match no common denominator.
PR_SHARES = (("政策法规类", 2631, "12"), ("规划计划类", 318, "1.8"), ("业务类", 286, "0.7"))
PR_IN_YEAR = (164, 655, 231)  # other in-year counts, each larger than the 新增 figure


def prose_percent(printed: str):
    """A printed share as the importer gives it: an int when printed without decimals, else the text."""
    return int(printed) if "." not in printed else printed


def prose_county_2018() -> Composed:
    year, name = PROSE_YEAR, PROSE_COUNTY
    shares = "；".join(f"{label}的信息{n}条,占总体的比例为{pct}%" for label, n, pct in PR_SHARES)
    page = _Page()
    page.para(f"{year}年{name}政府信息公开工作年度报告", mark="title")
    page.para("发布时间:2019-03-06")
    page.para(f"根据上级关于开展{year}年政务公开考核工作的通知要求,结合本县实际情况,现将{name}{year}年政务公开工作落实情况"
              "报告如下:")
    page.para(f" {year}年,{name}政务公开工作大力推进决策、执行、管理、服务、结果公开,加强制度、能力、平台建设和督查考核,"
              "不断提升政务公开的质量和实效。")
    page.para("一、以政务公开为重点,加大主动公开力度")
    page.para(f"本单位到{year}年底累计主动公开政府信息{PR_CUMULATIVE}条,政府网站公开{PR_WEBSITE}条,全文电子化率达90%以上,"
              f"其中,本年度新增的主动公开政府信息{PR_NEW}条。", mark="prose.proactive")
    page.para(f"在主动公开的信息中,{shares}", mark="prose.shares")
    page.para(f"加强重大行政决策和涉及民生事项的预公开,今年以来,共发布决策公开信息{PR_IN_YEAR[0]}条。认真做好社会保险、"
              f"重大建设项目、公共资源交易信息公开,公开相关信息{PR_IN_YEAR[1]}条。加大化解产能工作信息公开力度,公开相关信息"
              f"{PR_IN_YEAR[2]}条。")
    page.para("二、以解读回应为抓手,强化政务公开渠道")
    page.para("理顺解读机制,坚持政策性文件与解读方案、解读材料同步组织、同步审签、同步部署。实行24小时全员值班,不间断"
              "监控网络舆情信息。")
    page.para("三、以机制平台为关键,夯实政务公开基础")
    page.para("健全基础制度,建立了政府信息主动公开、保密审查、考核等制度。升级改版全县政府信息公开平台。")
    page.para("四、存在的问题及下一步工作")
    page.para("部分单位对政务公开工作不够重视。下一步,我们将全面提升全市政务公开工作水平,落实“一周一更新,一月一调度”"
              "工作机制。")
    page.para(" ")
    page.para(f"{name}人民政府办公室")
    page.add("2019125")
    return page.composed(PROSE_FILE, name, year)


# ===================================================================================== 石门市 2016 (not a report)

POLICY_FILE = "2016-shimen-implementation-plan.txt"
POLICY_TITLE = "关于印发石门市全面推进政务公开实施方案的通知"


def policy_2016() -> Composed:
    page = _Page()
    page.para(f"当前位置:首页 » 制度文件 » {POLICY_TITLE}")
    page.para(POLICY_TITLE)
    page.para("2018-07-27 浏览: 613")
    page.para("石门市人民政府办公室")
    page.para("关于印发石门市全面推进政务公开")
    page.para("实施方案的通知")
    page.para("市政府各部门,市属各企事业单位:")
    page.para("《石门市全面推进政务公开实施方案已经市人民政府研究同意,现印发给你们,请认真遵照执行。")
    page.para("2016718")
    page.para("石门市全面推进政务公开实施方案")
    page.para("20167月)")
    page.para("为深入贯彻落实本省全面推进政务公开工作的实施方案(省办发201619号),进一步做好全市政务公开工作,结合我市实际,"
              "制定本实施方案。")
    page.para("一、总体要求")
    page.para("坚持以公开为常态、不公开为例外,推进行政决策公开、执行公开、管理公开、服务公开和结果公开。2020年,全市政务"
              "公开工作总体迈上新台阶。")
    page.para("二、推进政务阳光透明")
    page.para("(一)推进决策公开。实行重大决策预公开制度,在决策前通过新闻媒体或者政府门户网站向社会公布决策草案、决策依据。")
    page.para("责任单位:市政府各有关部门")
    page.para("(二)推进执行公开。行政许可、行政处罚等信息自作出行政决定之日起7个工作日内应当上网公布。")
    page.para("责任单位:市发展和改革委员会")
    page.para("配合单位:市政府各有关部门")
    page.para("三、强化保障措施")
    page.para("主要负责同志每年至少听取一次政务公开工作汇报。特别重大突发事件,应在24小时内举行新闻发布会。市政府办公室是"
              "政务公开工作的主管部门。")
    return page.composed(POLICY_FILE, None, None)


def all_documents() -> list[Composed]:
    """The five, in the order an upload would list them."""
    return [prefecture_2017(), county_2018(), prose_county_2018(), township_2018(), policy_2016()]
