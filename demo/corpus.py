"""A fast, deterministic, dependency-free generator of realistic Chinese county-government documents.

Shared by the demo catalogue (demo.catalogue) and the search benchmark (bench/search.py). Pure Python,
standard library only, no Django: it can be imported without settings. The interface is stable:

    generate_documents(n: int, seed: int = 0, *, start_year: int = 2019, end_year: int = 2024)
        -> Iterator[CorpusDocument]

yields ``n`` documents; the same arguments always yield the same documents (on any machine with
CPython ≥ 3.11). Each ``CorpusDocument`` has:

* ``title``: e.g. 盐池县人民政府办公室关于做好2021年森林防火工作的通知
* ``body``: plain text, 300–900 characters (typically ~500), paragraphs separated by "\\n"
* ``document_number``: a 文号 such as 盐政办发〔2021〕37号 (valid for catalog.numbers), or "" (工作动态 and
  many 公告/公示 have none)
* ``genre_code``: one of the seeded Genre codes (rule, normative, other-document, interpretation, news,
  notice, plan, statistics, finance, fees, procurement, licensing, penalty, emergency, personnel,
  annual-report, other); news and notice dominate, normative is ~1.5 %, rule ~0.2 % (转载 of the
  city's 政府令: a county cannot make 规章)
* ``kind``: a catalog DocumentKind value (rule, normative_document, other)
* ``statutory_item``: 条例第二十条 item 1–15, or None for 工作动态
* ``topic_code``: 主题分类 "01"–"22"
* ``written_on`` / ``published_on``: dates; publication follows a few working days (Mon–Fri) later,
  ~3 % more than 20 working days later; ``written_on`` lies in start_year..end_year
* ``keywords`` (separated by "；") and ``summary`` (≤ 120 characters)
* ``publisher`` (agency name, e.g. 盐池县教育体育局), ``publisher_slug`` (its slug: "jyj", "bgs", "hmc" …,
  matching demo.data's agency slugs) and ``lag_wd`` (working days, Mon–Fri, from written to published)

Vocabulary: real government phrases (精准扶贫, 乡村振兴, 低保, 医保, 营商环境, 专项债券, 公示期, 行政许可,
安全生产, 森林防火, 疫情防控, 人居环境整治 …) grouped by theme, plus a long tail of village, project and
person names; so 2-, 3- and 4-character words, multi-word queries and very common words (政府, 工作,
公开) get realistic document frequencies: some terms occur in a handful of documents per 100,000, 工作
in most of them.

`Composer` is the lower-level interface the demo catalogue uses: ``Composer(seed).compose(slug, genre,
written_on)`` writes one document for a given agency, genre and date.

Speed: ~57,000 documents per second on one core of the (shared, 2-core) development machine, measured
with ``python -m demo.corpus 200000``; most paragraphs come from per-theme pools pre-rendered once per
Composer, mixed with freshly rendered sentences, names and numbers.
"""

from __future__ import annotations

import random
import string
import sys
import time
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

__all__ = ["AGENCIES", "GENRE_WEIGHTS", "Composer", "CorpusDocument", "generate_documents"]

REGION = "盐池县"


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    title: str
    body: str
    document_number: str
    genre_code: str
    kind: str
    statutory_item: int | None
    topic_code: str
    written_on: date
    published_on: date
    keywords: str
    summary: str
    publisher: str = ""
    publisher_slug: str = ""
    lag_wd: int = 0


# ---------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    topic: str  # 主题分类 code
    item: int  # 第二十条 item for its notices and other documents
    terms: tuple[str, ...]  # keywords, 2–6 characters
    subjects: tuple[str, ...]  # what a notice, plan or 办法 is about
    events: tuple[str, ...]  # what a 工作动态 reports on
    sentences: tuple[str, ...]  # {t}, {u}: terms; {v}: a village; {n}: a number


THEMES: dict[str, Theme] = {
    "fupin": Theme(
        "17", 11,
        ("精准扶贫", "乡村振兴", "脱贫攻坚", "防返贫监测", "脱贫户", "监测户", "帮扶责任人", "产业扶贫",
         "易地搬迁", "驻村工作队", "衔接资金", "小额信贷", "东西部协作", "闽宁协作", "以工代赈", "消费帮扶"),
        ("巩固拓展脱贫攻坚成果同乡村振兴有效衔接", "防止返贫动态监测和帮扶", "财政衔接推进乡村振兴补助资金",
         "脱贫人口小额信贷", "闽宁协作项目", "驻村帮扶", "消费帮扶", "以工代赈项目"),
        ("巩固脱贫成果推进会", "防返贫监测帮扶集中排查", "驻村工作队轮换培训", "闽宁协作产业对接",
         "乡村振兴示范村观摩", "消费帮扶产品展销"),
        ("全面落实{t}各项政策，扎实开展{u}集中排查，确保不发生规模性返贫。",
         "{v}建立{t}台账，逐户核实收入和“两不愁三保障”情况，共识别{u}{n}户。",
         "统筹使用{t}{n}万元，重点支持滩羊养殖、黄花菜种植等特色产业发展。",
         "各帮扶单位要压实{t}责任，做到{u}应纳尽纳、应扶尽扶。",
         "今年以来累计发放{t}{n}万元，惠及农户{m}户，带动群众稳定增收。"),
    ),
    "dibao": Theme(
        "17", 11,
        ("低保", "最低生活保障", "特困供养", "临时救助", "社会救助", "低保边缘家庭", "残疾人两项补贴",
         "高龄津贴", "养老服务", "孤儿基本生活费", "困难群众", "救助资金"),
        ("城乡最低生活保障对象动态管理", "特困人员救助供养", "临时救助", "困难残疾人生活补贴和重度残疾人护理补贴",
         "高龄老人津贴发放", "社会救助家庭经济状况核对", "农村低保对象认定"),
        ("社会救助政策宣传月活动", "低保专项治理入户核查", "冬春困难群众救助物资发放", "养老服务机构安全检查"),
        ("严格执行{t}审核审批程序，对{u}实行分类施保、动态管理。",
         "本月共发放{t}{n}万元，保障{u}{m}人，资金全部通过“一卡通”发放到户。",
         "{v}对拟纳入{t}的家庭进行了民主评议，评议结果在村务公开栏张榜公示。",
         "对因病、因灾导致基本生活暂时出现严重困难的家庭及时给予{t}，做到{u}应保尽保。"),
    ),
    "yibao": Theme(
        "13", 11,
        ("医保", "医疗保障", "城乡居民医保", "参保缴费", "大病保险", "医疗救助", "门诊统筹", "异地就医",
         "医保基金", "定点医药机构", "医保码", "慢特病"),
        ("城乡居民基本医疗保险参保缴费", "医疗保障基金监管", "异地就医直接结算", "门诊慢特病待遇认定",
         "医保定点医药机构协议管理", "城乡居民医疗救助"),
        ("医保基金监管集中宣传月", "城乡居民医保集中参保缴费动员", "定点医药机构专项检查", "医保政策进村入户宣讲"),
        ("{y}年度{t}个人缴费标准为每人每年{m}元，缴费期为当年9月至12月。",
         "参保群众可通过“{t}”小程序或到村（社区）便民服务站办理{u}。",
         "聚焦{t}使用监管，对全县{n}家{u}开展全覆盖检查，追回违规资金{m}万元。",
         "脱贫人口和{t}对象参加城乡居民医保的个人缴费部分由医疗救助资金给予资助。"),
    ),
    "shebao": Theme(
        "15", 11,
        ("社会保障", "养老保险", "就业创业", "稳就业", "高校毕业生", "农民工", "公益性岗位", "技能培训",
         "创业担保贷款", "劳务输出", "根治欠薪", "工伤保险", "失业保险"),
        ("城乡居民基本养老保险", "就业创业补贴申领", "公益性岗位开发管理", "农村劳动力转移就业",
         "根治拖欠农民工工资", "高校毕业生就业见习", "职业技能提升行动"),
        ("春风行动专场招聘会", "根治欠薪冬季专项行动", "农村劳动力技能培训班开班", "社保待遇资格认证进社区"),
        ("全年新增城镇就业{n}人，组织{t}{m}人次，完成劳务输出{k}人。",
         "符合条件的{t}可申领{u}，申请人应当提交身份证明和相关材料。",
         "开发{t}{n}个，优先安置脱贫劳动力和{u}等就业困难人员。",
         "全面落实{t}政策，{y}年全县城乡居民{u}参保人数达到{m}人。"),
    ),
    "jiaoyu": Theme(
        "11", 11,
        ("义务教育", "学前教育", "控辍保学", "营养改善计划", "教育资助", "双减", "校园安全", "教师招聘",
         "寄宿制学校", "课后服务", "职业教育", "学生资助"),
        ("义务教育阶段学校招生入学", "家庭经济困难学生资助", "校外培训机构规范管理", "学前教育普及普惠",
         "中小学校园安全隐患排查", "农村义务教育学生营养改善计划"),
        ("教育教学质量提升推进会", "“双减”工作专项督查", "秋季学期开学准备工作检查", "乡村教师素质提升培训"),
        ("{y}年秋季学期，全县共发放{t}资金{n}万元，惠及学生{m}人次。",
         "各学校要落实{t}责任，持续做好{u}工作，确保适龄儿童少年应入尽入。",
         "{v}学校新建教学楼一栋，新增学位{n}个，有效缓解{t}压力。",
         "严格落实{t}要求，规范开展{u}，切实减轻学生过重作业负担。"),
    ),
    "weisheng": Theme(
        "13", 13,
        ("卫生健康", "疫情防控", "家庭医生签约", "基本公共卫生服务", "县域医共体", "疫苗接种", "健康体检",
         "爱国卫生运动", "传染病防控", "妇幼健康", "中医药", "健康乡村"),
        ("基本公共卫生服务项目", "家庭医生签约服务", "重点传染病防控", "县域医共体建设",
         "爱国卫生运动", "重点人群免费健康体检", "疫情防控"),
        ("家庭医生签约服务进村入户", "爱国卫生月集中清洁行动", "医共体建设推进会", "重点人群健康义诊"),
        ("全县{t}覆盖率达到{p}%，重点人群签约服务率持续提升。",
         "各乡镇卫生院要做好{t}，加强{u}监测报告，发现异常及时处置。",
         "{v}村卫生室为{n}名老年人提供免费{t}，建立健康档案。",
         "持续深化{t}改革，推动优质医疗资源下沉，提升{u}服务能力。"),
    ),
    "yingshang": Theme(
        "08", 15,
        ("营商环境", "招商引资", "市场主体", "惠企政策", "减税降费", "一件事一次办", "民营经济", "项目落地",
         "包抓服务", "信用修复", "中小企业", "政企恳谈"),
        ("优化营商环境", "招商引资项目跟踪服务", "惠企政策兑现", "民营经济高质量发展", "政企沟通常态化机制",
         "市场主体培育"),
        ("优化营商环境工作推进会", "招商引资项目集中签约", "政企恳谈会", "惠企政策宣讲进园区"),
        ("持续优化{t}，推行“{u}”，企业开办时间压缩至{d}个工作日以内。",
         "今年以来共签约{t}项目{n}个，协议投资{m}亿元，已落地开工{k}个。",
         "建立领导干部{t}重点企业制度，协调解决企业反映的问题{n}件。",
         "全面落实{t}政策，为{u}减负{n}万元。"),
    ),
    "zhengwu": Theme(
        "02", 15,
        ("政务公开", "政府信息公开", "政务服务", "一网通办", "基层政务公开", "政策解读", "政府开放日",
         "12345热线", "政务新媒体", "政府网站", "主动公开目录", "公开指南"),
        ("政务公开重点工作", "基层政务公开标准化规范化", "政府信息公开工作年度报告", "政府网站和政务新媒体检查",
         "政务服务“好差评”", "政策解读和回应关切"),
        ("政务公开业务培训", "政府开放日活动", "政府网站和政务新媒体季度检查", "政务服务效能提升推进会"),
        ("坚持以公开为常态、不公开为例外，全面推进{t}，做好决策、执行、管理、服务、结果“五公开”。",
         "依托{t}，全年主动公开政府信息{n}条，其中政策解读{m}篇。",
         "{u}受理群众诉求{n}件，按时办结率{p}%，群众满意率持续提升。",
         "各单位要按照{t}要求，及时更新{u}，确保公开内容准确、完整。"),
    ),
    "caizheng": Theme(
        "04", 7,
        ("财政预算", "部门决算", "专项债券", "三公经费", "政府债务", "预算绩效", "转移支付", "财政资金",
         "国库集中支付", "惠民惠农补贴", "审计整改", "一卡通"),
        ("政府预算执行", "地方政府专项债券项目", "惠民惠农财政补贴资金“一卡通”", "预算绩效管理",
         "审计发现问题整改", "政府债务风险防控"),
        ("财政预算执行分析会", "惠民惠农补贴资金专项治理", "预算绩效管理培训", "审计整改工作推进会"),
        ("{y}年全县一般公共预算收入完成{n}万元，一般公共预算支出{m}万元。",
         "争取新增{t}{n}亿元，重点用于城乡基础设施和民生项目建设。",
         "“{t}”经费支出{n}万元，较上年下降{p}%，严格落实过紧日子要求。",
         "加强{t}管理，对{u}实行全过程监管，确保资金安全规范高效使用。"),
    ),
    "anquan": Theme(
        "09", 13,
        ("安全生产", "森林防火", "应急管理", "隐患排查", "防汛抗旱", "消防安全", "燃气安全", "危险化学品",
         "道路交通安全", "应急演练", "草原防火", "自建房安全"),
        ("安全生产大检查", "森林草原防灭火", "汛期安全防范", "城镇燃气安全专项整治", "重大事故隐患专项排查整治",
         "冬春火灾防控"),
        ("安全生产专项检查", "森林草原防火应急演练", "防汛抗旱应急演练", "燃气安全进万家宣传"),
        ("各单位要严格落实{t}责任制，深入开展{u}，坚决遏制重特大事故发生。",
         "共检查企业{n}家，排查整改{t}问题{m}处，下达整改通知书{k}份。",
         "当前正值{t}关键期，严禁野外用火，{v}设立防火检查站{n}个。",
         "组织开展{t}{n}次，参演人员{m}人，提升{u}处置能力。"),
    ),
    "xiangmu": Theme(
        "03", 10,
        ("项目建设", "重大项目", "固定资产投资", "开工复工", "可行性研究报告", "初步设计", "项目审批",
         "基础设施", "产业园区", "城市更新", "老旧小区改造", "高标准农田"),
        ("重点项目建设", "政府投资项目审批", "城镇老旧小区改造", "高标准农田建设项目", "重大项目前期工作",
         "产业园区基础设施建设"),
        ("重点项目建设观摩", "重大项目集中开工", "项目建设调度会", "项目建设“百日攻坚”推进会"),
        ("今年全县共实施{t}{n}个，总投资{m}亿元，年度计划投资{k}亿元。",
         "该项目位于{v}，建设内容包括{u}等，建设工期{d}个月。",
         "加快推进{t}，对{u}实行领导包抓、专班推进、挂图作战。",
         "经审查，同意该项目{t}，项目总投资{n}万元，资金来源为{u}。"),
    ),
    "renju": Theme(
        "10", 15,
        ("人居环境整治", "农村厕所革命", "生活垃圾治理", "污水治理", "村容村貌", "美丽乡村", "生态环境保护",
         "大气污染防治", "秸秆禁烧", "河湖长制", "植树造林", "禁牧封育"),
        ("农村人居环境整治提升", "农村生活垃圾和污水治理", "美丽村庄建设", "大气污染防治", "河湖长制",
         "春季造林绿化"),
        ("人居环境整治集中清理行动", "美丽庭院评选", "春季义务植树活动", "河湖“清四乱”专项行动"),
        ("深入开展{t}，{v}共清理生活垃圾{n}吨，拆除残垣断壁{m}处。",
         "今年完成农村户厕改造{n}座，{t}覆盖率达到{p}%。",
         "全面落实{t}，持续推进{u}，生态环境质量持续改善。",
         "县{t}暗访组对各乡镇进行检查，发现问题{n}个，已全部交办整改。"),
    ),
    "nongye": Theme(
        "06", 11,
        ("滩羊产业", "黄花菜", "小杂粮", "甘草", "耕地保护", "粮食生产", "农业保险", "动物防疫",
         "农机购置补贴", "水利设施", "高效节水灌溉", "家庭农场", "农民专业合作社"),
        ("滩羊产业高质量发展", "耕地地力保护补贴", "重大动物疫病防控", "农机购置与应用补贴",
         "农田水利设施管护", "粮食生产", "新型农业经营主体培育"),
        ("滩羊产业发展推进会", "春季动物防疫集中免疫", "春耕备耕生产检查", "农民专业合作社规范化培训"),
        ("全县{t}饲养量达到{n}万只，{u}种植面积{m}万亩。",
         "符合条件的种植户可申领{t}，补贴标准为每亩{n}元。",
         "{v}{t}获得丰收，亩均增收{n}元，带动农户{m}户。",
         "扎实做好{t}工作，春季集中免疫密度达到{p}%。"),
    ),
    "ziran": Theme(
        "05", 15,
        ("国土空间规划", "土地征收", "不动产登记", "耕地保护", "矿产资源", "集体土地", "征地补偿",
         "土地出让", "宅基地", "地质灾害", "用地审批", "林草资源"),
        ("国土空间总体规划", "土地征收成片开发", "国有建设用地使用权出让", "不动产登记便民利民",
         "地质灾害防治", "耕地“进出平衡”"),
        ("耕地保护专项督查", "地质灾害隐患排查", "不动产登记便民服务", "国土空间规划宣传"),
        ("拟征收{v}集体土地{n}亩，用于{u}，现将{t}方案予以公告。",
         "被征收土地的所有权人、使用权人对{t}方案有异议的，可在公告之日起{d}日内提出。",
         "全年办理{t}业务{n}件，平均办理时间压缩至{d}个工作日。",
         "严格落实{t}制度，坚决遏制耕地“非农化”、防止“非粮化”。"),
    ),
    "shichang": Theme(
        "09", 13,
        ("市场监管", "食品安全", "药品安全", "特种设备", "产品质量", "双随机一公开", "消费维权",
         "价格监管", "知识产权", "计量检定", "校园食品", "冷链食品"),
        ("食品安全监督抽检", "双随机一公开抽查", "特种设备安全监察", "消费环境建设", "校园食品安全",
         "价格监督检查"),
        ("食品安全宣传周活动", "“3·15”消费者权益日宣传", "特种设备安全专项检查", "校园食品安全专项检查"),
        ("本次共抽检{t}样品{n}批次，合格{m}批次，不合格样品已依法处置。",
         "开展{t}检查{n}次，检查市场主体{m}户，责令整改{k}户。",
         "{v}集贸市场开展{t}专项检查，现场查扣过期食品{n}公斤。",
         "受理{t}投诉举报{n}件，为消费者挽回经济损失{m}万元。"),
    ),
    "wenlv": Theme(
        "12", 15,
        ("文化旅游", "全域旅游", "文物保护", "公共文化服务", "非物质文化遗产", "长城", "哈巴湖",
         "乡村旅游", "文化惠民", "全民健身", "红色旅游", "文旅融合"),
        ("全域旅游发展", "长城文物保护", "公共文化服务体系建设", "文化惠民演出", "全民健身", "红色旅游"),
        ("文化惠民演出进乡村", "长城保护巡查", "全民健身运动会", "乡村旅游推介会"),
        ("全年接待游客{n}万人次，实现{t}收入{m}亿元。",
         "组织{t}演出{n}场次，观众达{m}万人次。",
         "加强{t}，对{v}段{u}开展日常巡查，建立巡查台账。",
         "依托{t}资源，打造{u}精品线路{n}条。"),
    ),
    "tuiyi": Theme(
        "21", 11,
        ("退役军人", "双拥共建", "优抚对象", "光荣牌", "烈士纪念", "拥军优属", "兵役登记", "征兵",
         "退役军人服务站", "优待证"),
        ("退役军人优待证申领", "优抚对象抚恤补助", "征兵工作", "双拥模范县创建", "烈士纪念设施保护管理"),
        ("走访慰问优抚对象", "烈士纪念日公祭活动", "征兵宣传进校园", "退役军人专场招聘会"),
        ("走访慰问{t}{n}人，发放慰问金{m}万元。",
         "各乡镇{t}要做好政策咨询、帮扶援助等工作，为{u}办实事{n}件。",
         "{y}年度{t}工作已全面启动，符合条件的适龄青年可登录全国征兵网报名。"),
    ),
    "fazhi": Theme(
        "16", 15,
        ("法治政府", "行政执法", "普法宣传", "人民调解", "矛盾纠纷", "扫黑除恶", "反诈宣传", "平安建设",
         "法律援助", "公共法律服务", "社区矫正", "禁毒"),
        ("法治政府建设", "行政执法“三项制度”", "矛盾纠纷排查化解", "“八五”普法", "法律援助", "平安建设"),
        ("宪法宣传周活动", "矛盾纠纷集中排查化解", "反电信网络诈骗宣传", "禁毒宣传进校园"),
        ("全年共排查化解{t}{n}件，调解成功率{p}%。",
         "深入开展{t}，发放宣传资料{n}份，受教育群众{m}人次。",
         "严格落实{t}，全面推行行政执法公示、执法全过程记录和重大执法决定法制审核。",
         "{v}建成{t}工作室，为群众提供{u}服务{n}次。"),
    ),
    "tongji": Theme(
        "03", 4,
        ("统计", "地区生产总值", "规模以上工业", "社会消费品零售总额", "农村居民人均可支配收入",
         "固定资产投资", "统计调查", "经济普查", "人口抽样调查"),
        ("国民经济主要指标", "统计调查", "经济运行情况", "农村住户调查"),
        ("统计业务培训", "经济普查入户登记", "统计执法检查"),
        ("全县实现{t}{n}亿元，同比增长{p}%。",
         "{t}完成{n}亿元，同比增长{p}%；{u}同比增长{p}%。",
         "各调查对象应依法如实提供{t}资料，不得虚报、瞒报、拒报。"),
    ),
    "renshi": Theme(
        "15", 14,
        ("公开招聘", "事业单位", "公务员招录", "拟聘用人员", "资格复审", "体检", "考察", "人事任免",
         "人才引进", "特岗教师", "乡村医生"),
        ("事业单位公开招聘工作人员", "公务员招录", "特岗教师招聘", "人才引进", "乡村医生招聘"),
        ("人才引进工作座谈", "事业单位招聘笔试组织"),
        ("本次{t}计划招聘{n}名，报考人员须符合岗位要求的学历和专业条件。",
         "经笔试、面试、{t}和{u}，现将拟聘用人员名单予以公示，公示期为{d}个工作日。",
         "对{t}有异议的，可在公示期内向县人力资源和社会保障局反映。"),
    ),
    "jiaotong": Theme(
        "07", 10,
        ("交通运输", "农村公路", "公路养护", "客运班线", "四好农村路", "道路运输", "治超"),
        ("农村公路建设养护", "“四好农村路”建设", "道路运输安全", "城乡客运一体化"),
        ("农村公路养护检查", "道路运输安全专项整治"),
        ("今年新改建{t}{n}公里，完成{u}{m}公里。",
         "{v}至县城的{t}已建成通车，群众出行更加便捷。",
         "开展{t}联合执法{n}次，查处违法车辆{m}辆。"),
    ),
    "minzu": Theme(
        "18", 15,
        ("民族团结", "铸牢中华民族共同体意识", "民族团结进步", "宗教事务", "民族政策"),
        ("民族团结进步创建", "铸牢中华民族共同体意识宣传教育"),
        ("民族团结进步宣传月", "民族团结进步示范单位创建观摩"),
        ("深入开展{t}创建活动，命名{n}个示范单位。",
         "以{t}为主线，推进{u}进机关、进学校、进社区。"),
    ),
}

# (slug, name, short name used in text, 机关代字, themes with weights). Slugs match demo.data / the county plan.
AGENCIES: tuple[tuple[str, str, str, str, tuple[tuple[str, int], ...]], ...] = (
    ("gov", f"{REGION}人民政府", "县政府", "盐政发", (("zhengwu", 2), ("xiangmu", 2), ("fupin", 2), ("yingshang", 1), ("caizheng", 1), ("anquan", 1))),
    ("bgs", f"{REGION}人民政府办公室", "县政府办公室", "盐政办发", (("zhengwu", 3), ("anquan", 2), ("xiangmu", 1), ("fupin", 1), ("yingshang", 1), ("renju", 1), ("weisheng", 1))),
    ("fgj", f"{REGION}发展和改革局", "县发展和改革局", "盐发改发", (("xiangmu", 4), ("yingshang", 2), ("tongji", 1))),
    ("jyj", f"{REGION}教育体育局", "县教育体育局", "盐教体发", (("jiaoyu", 5), ("wenlv", 1), ("renshi", 1))),
    ("gaj", f"{REGION}公安局", "县公安局", "盐公发", (("fazhi", 4), ("anquan", 2), ("jiaotong", 1))),
    ("mzj", f"{REGION}民政局", "县民政局", "盐民发", (("dibao", 5), ("minzu", 1))),
    ("sfj", f"{REGION}司法局", "县司法局", "盐司发", (("fazhi", 5),)),
    ("czj", f"{REGION}财政局", "县财政局", "盐财发", (("caizheng", 5), ("fupin", 1))),
    ("rsj", f"{REGION}人力资源和社会保障局", "县人力资源和社会保障局", "盐人社发", (("shebao", 4), ("renshi", 3))),
    ("zrzyj", f"{REGION}自然资源局", "县自然资源局", "盐自然资发", (("ziran", 5), ("anquan", 1), ("renju", 1))),
    ("zjj", f"{REGION}住房和城乡建设局", "县住房和城乡建设局", "盐住建发", (("xiangmu", 3), ("renju", 2), ("anquan", 1))),
    ("jtysj", f"{REGION}交通运输局", "县交通运输局", "盐交发", (("jiaotong", 5), ("anquan", 1))),
    ("swj", f"{REGION}水务局", "县水务局", "盐水发", (("nongye", 3), ("renju", 2), ("anquan", 1))),
    ("nyncj", f"{REGION}农业农村局", "县农业农村局", "盐农发", (("nongye", 5), ("fupin", 2), ("renju", 1))),
    ("swtcj", f"{REGION}商务和投资促进局", "县商务和投资促进局", "盐商投发", (("yingshang", 5),)),
    ("wlgdj", f"{REGION}文化旅游广电局", "县文化旅游广电局", "盐文旅发", (("wenlv", 5),)),
    ("wjj", f"{REGION}卫生健康局", "县卫生健康局", "盐卫健发", (("weisheng", 5), ("yibao", 1))),
    ("tyjrj", f"{REGION}退役军人事务局", "县退役军人事务局", "盐退役军人发", (("tuiyi", 5),)),
    ("yjglj", f"{REGION}应急管理局", "县应急管理局", "盐应急发", (("anquan", 5),)),
    ("sjj", f"{REGION}审计局", "县审计局", "盐审发", (("caizheng", 5),)),
    ("scjgj", f"{REGION}市场监督管理局", "县市场监督管理局", "盐市监发", (("shichang", 5), ("yingshang", 1))),
    ("tjj", f"{REGION}统计局", "县统计局", "盐统发", (("tongji", 5),)),
    ("ybj", f"{REGION}医疗保障局", "县医疗保障局", "盐医保发", (("yibao", 5),)),
    ("xczxj", f"{REGION}乡村振兴局", "县乡村振兴局", "盐乡振发", (("fupin", 5), ("renju", 1))),
    ("zwfwzx", f"{REGION}政务服务中心", "县政务服务中心", "盐政服发", (("zhengwu", 3), ("yingshang", 2))),
    ("rmtzx", f"{REGION}融媒体中心", "县融媒体中心", "盐融发", (("wenlv", 2), ("zhengwu", 1), ("fupin", 1))),
    ("gtzyj", f"{REGION}国土资源局", "原县国土资源局", "盐国土资发", (("ziran", 5),)),
    ("lyj", f"{REGION}林业局", "原县林业局", "盐林发", (("renju", 3), ("anquan", 2))),
    *((slug, f"{REGION}{town}人民政府" if town[-1] != "道" else f"{REGION}{town}办事处", town, code,
       (("fupin", 3), ("renju", 3), ("dibao", 2), ("anquan", 2), ("nongye", 2), ("zhengwu", 1)))
      for slug, town, code in (("hmc", "花马池镇", "花政发"), ("dsk", "大水坑镇", "大政发"), ("hab", "惠安堡镇", "惠政发"),
                               ("gsw", "高沙窝镇", "高政发"), ("wlj", "王乐井乡", "王政发"), ("fjg", "冯记沟乡", "冯政发"),
                               ("qs", "青山乡", "青政发"), ("mhs", "麻黄山乡", "麻政发"), ("yzl", "盐州路街道", "盐街发"))),
)
AGENCY_INDEX = {a[0]: a for a in AGENCIES}
_SLUG_OF_NAME = {a[1]: a[0] for a in AGENCIES}
TOWN_SLUGS = ("hmc", "dsk", "hab", "gsw", "wlj", "fjg", "qs", "mhs", "yzl")
# How much each agency publishes, relative (the 办公室 and big departments most, towns least).
AGENCY_WEIGHTS = {
    "gov": 40, "bgs": 110, "fgj": 30, "jyj": 55, "gaj": 30, "mzj": 35, "sfj": 15, "czj": 45, "rsj": 45,
    "zrzyj": 40, "zjj": 35, "jtysj": 20, "swj": 20, "nyncj": 45, "swtcj": 20, "wlgdj": 25, "wjj": 55,
    "tyjrj": 12, "yjglj": 30, "sjj": 10, "scjgj": 45, "tjj": 12, "ybj": 30, "xczxj": 35, "zwfwzx": 40,
    "rmtzx": 45, "gtzyj": 0, "lyj": 0, **dict.fromkeys(TOWN_SLUGS, 16),
}

# Relative frequencies of the genres in a county catalogue (news and notices dominate).
GENRE_WEIGHTS: dict[str, float] = {
    "news": 36, "notice": 24, "other-document": 5, "normative": 1.5, "interpretation": 1.5, "plan": 3,
    "statistics": 2.5, "finance": 3, "fees": 0.4, "procurement": 5, "licensing": 6, "penalty": 3,
    "emergency": 2, "personnel": 3, "annual-report": 0.2, "other": 3.7, "rule": 0.2,
}
GENRE_ITEM = {"rule": 1, "normative": 1, "interpretation": 1, "plan": 3, "statistics": 4, "finance": 7, "fees": 8,
              "procurement": 9, "licensing": 5, "penalty": 6, "emergency": 12, "personnel": 14, "annual-report": 15,
              "other": 15}
GENRE_TOPIC = {"finance": "04", "fees": "04", "procurement": "04", "statistics": "03", "personnel": "15",
               "annual-report": "02", "interpretation": None}
# Which themes suit a genre that is not about the agency's own field.
GENRE_THEMES = {"finance": "caizheng", "statistics": "tongji", "personnel": "renshi", "emergency": "anquan"}
# Whom an agency recruits (personnel notices); others recruit for their own 事业单位.
RECRUITS = {"jyj": ("中小学教师", "特岗教师", "幼儿园教师"), "wjj": ("医疗卫生专业技术人员", "乡村医生"),
            "rsj": ("事业单位工作人员", "公益性岗位人员"), "bgs": ("县属事业单位工作人员",),
            "gov": ("县属事业单位工作人员",), "gaj": ("警务辅助人员",), "yjglj": ("专职消防员",)}

_names_rng = random.Random(20240101)  # fixed: the name lists are part of the vocabulary
_VILLAGE_A = "高杨李王张刘马冯柳沙红青石北南东西大小新老黄井长曾萌隰苏"
_VILLAGE_B = "记家庄沟湾井台堡泉子寨梁岔圈"
VILLAGES = tuple(dict.fromkeys(
    _names_rng.choice(_VILLAGE_A) + _names_rng.choice(_VILLAGE_B) + _names_rng.choice(("村", "村", "村", "子村", "滩村", "井村"))
    for _ in range(600)))
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜叶程魏苏吕丁任姚沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉海燕鹏飞晓雪梅慧宁波凯琳"
PEOPLE = tuple(dict.fromkeys(
    _names_rng.choice(_SURNAMES) + "".join(_names_rng.choice(_GIVEN) for _ in range(_names_rng.choice((1, 2, 2))))
    for _ in range(400)))
LEADERS = ("县委常委、常务副县长", "副县长", "县人大常委会副主任", "县政协副主席", "局党组书记、局长", "党委书记",
           "镇长", "乡长", "副局长", "主任")
COMPANIES = tuple(f"宁夏{a}{b}{c}有限公司" for a in ("盐州", "花马", "长城", "哈巴湖", "滩羊", "大漠", "塞上", "宏达", "鑫源", "瑞丰")
                  for b in ("", "建设", "农牧", "商贸", "工程") for c in ("", "科技", "实业", "发展"))
PROJECTS = ("县城供热管网改造", "城区道路提升改造", "农村饮水安全巩固提升", "高标准农田建设", "滩羊交易市场建设",
            "黄花菜产业园", "县人民医院综合楼", "第二中学教学楼", "老旧小区改造", "污水处理厂提标改造",
            "乡村振兴示范村建设", "冷链物流中心", "光伏发电", "风电场", "全民健身中心", "长城遗址保护展示",
            "易地搬迁安置点配套", "农村公路", "小型水库除险加固", "城市公园")

# Paragraphs every kind of document uses; they carry the very common words (政府, 工作, 公开, 群众).
COMMON_SENTENCES = (
    "各单位要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "进一步提高思想认识，压实工作责任，形成上下联动、齐抓共管的工作格局。",
    "坚持以人民为中心的发展思想，切实解决群众急难愁盼问题。",
    "要加强宣传引导，及时回应社会关切，营造良好的舆论氛围。",
    "县政府将定期对工作进展情况进行督查通报，督查结果纳入年度效能目标考核。",
    "各乡镇人民政府、县直各部门要结合实际，认真抓好贯彻落实。",
    "严格落实政府信息公开有关规定，主动公开工作进展和办理结果，接受社会监督。",
    "在实施过程中遇到的问题，请及时向县政府办公室反馈。",
    "加强部门协作，建立信息共享机制，形成工作合力。",
    "把这项工作作为践行初心使命、推动高质量发展的重要举措。",
    "对工作不力、推诿扯皮造成不良影响的，依规依纪严肃追责问责。",
    "认真总结经验做法，查找存在的问题和不足，研究提出下一步工作措施。",
)
CLOSINGS = (
    "下一步，{a}将继续聚焦{t}，持续用力、久久为功，推动各项工作取得新成效。",
    "会议强调，要把{t}摆在突出位置，以更加务实的作风抓好各项任务落实。",
    "下一步，{a}将进一步完善工作机制，切实把{t}各项政策落实落细。",
    "{p}表示，将以此次活动为契机，推动{t}工作再上新台阶。",
)
PURPOSES = ("深入贯彻落实党中央、国务院和自治区、吴忠市关于{s}的决策部署", "进一步做好{s}工作",
            "切实加强{s}", "扎实推进{s}", "根据上级有关文件精神，结合我县实际，做好{s}")
ARTICLES = (
    "第{c}条 {a}负责本办法的组织实施，相关部门按照各自职责做好{t}工作。",
    "第{c}条 申请{t}应当符合下列条件：（一）具有本县户籍；（二）符合国家和自治区有关规定；（三）法律、法规规定的其他条件。",
    "第{c}条 {t}实行公开、公平、公正原则，审核结果在村（社区）公示，公示期不少于7日。",
    "第{c}条 对弄虚作假骗取{t}的，依法追回已发放资金，并按照有关规定处理。",
    "第{c}条 {t}所需资金列入县级财政预算，实行专账核算、专款专用。",
    "第{c}条 有关部门及其工作人员在{t}工作中滥用职权、玩忽职守、徇私舞弊的，依法依规追究责任。",
    "第{c}条 公民、法人或者其他组织对{t}决定不服的，可以依法申请行政复议或者提起行政诉讼。",
)
# Sentences that fit any theme; they mostly carry its terms.
GENERIC_SENTENCES = (
    "围绕{t}目标任务，细化工作措施，明确时间节点和责任人。",
    "把{t}作为当前的重点工作，主要领导亲自抓、分管领导具体抓。",
    "截至目前，{t}各项任务已完成{p}%，{u}工作有序推进。",
    "针对{t}中发现的{n}个问题，建立问题清单，逐项整改销号。",
    "{v}结合实际，探索形成了{t}与{u}相结合的工作模式。",
    "加大{t}政策宣传力度，通过入户走访、微信群等方式宣传{m}次。",
    "建立{t}工作专班，实行周调度、月通报制度。",
    "认真梳理{t}相关政策，编印{u}明白卡{n}份发放到户。",
)
POOL_SIZE = 500
_SLOT_CACHE: dict[str, tuple[str, ...]] = {}


def _slots(template: str) -> tuple[str, ...]:
    slots = _SLOT_CACHE.get(template)
    if slots is None:
        slots = _SLOT_CACHE[template] = tuple(dict.fromkeys(
            name for _, name, _, _ in string.Formatter().parse(template) if name))
    return slots


CN_NUM = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")
FORMS = ("一", "二", "三", "四", "五")


# ---------------------------------------------------------------------------------------------------
# The composer
# ---------------------------------------------------------------------------------------------------
def cumulative(weights: Sequence[float]) -> list[float]:
    """Running totals of `weights`: a weighted choice is a bisect into them (Composer, demo.catalogue)."""
    return list(accumulate(weights))


class Composer:
    """Writes one document at a time; deterministic for a seed and a sequence of calls."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.rng = random.Random(seed)
        self._r = self.rng.random
        self._numbers: dict[tuple[str, int], int] = {}
        self._agency_themes = {}
        for slug, _name, _short, _code, themes in AGENCIES:
            self._agency_themes[slug] = ([THEMES[t] for t, _ in themes], cumulative([w for _, w in themes]))
        self._pools: dict[str, tuple[str, ...]] = {}

    # -- helpers -----------------------------------------------------------------------------------
    def pick(self, seq):
        return seq[int(self._r() * len(seq))]

    def weighted(self, seq, cum):
        return seq[bisect(cum, self._r() * cum[-1])]

    def person(self) -> str:
        """A fresh name: most full names are rare (a few documents per 100,000)."""
        r = self._r
        given = _GIVEN[int(r() * len(_GIVEN))]
        if r() < 0.7:
            given += _GIVEN[int(r() * len(_GIVEN))]
        return _SURNAMES[int(r() * len(_SURNAMES))] + given

    def number(self, low: int = 2, high: int = 980) -> int:
        return low + int(self._r() * (high - low))

    def document_number(self, code: str, year: int) -> str:
        key = (code, year)
        serial = self._numbers.get(key, 0) + 1 + (self._r() < 0.3)  # 文号 of unpublished papers leave gaps
        self._numbers[key] = serial
        return f"{code}〔{year}〕{serial}号"

    def theme_for(self, slug: str, genre: str) -> Theme:
        """The agency's own fields only (a 医疗保障局 does not write about 城市绿化); the genres with a field of
        their own (finance, statistics, emergency) mostly in that field, personnel always."""
        if genre == "personnel" or (genre in GENRE_THEMES and self._r() < 0.6):
            return THEMES[GENRE_THEMES[genre]]
        themes, cum = self._agency_themes[slug]
        return self.weighted(themes, cum)

    def render(self, template: str, theme: Theme, r=None) -> str:
        """A template with its slots filled: {t} {u} terms, {v} a village, {n} {m} {k} counts, {p} a
        percentage, {d} a small number of days or months, {y} a year."""
        r = r or self._r
        terms = theme.terms
        values = {}
        for name in _slots(template):
            if name in "tu":
                values[name] = terms[int(r() * len(terms))]
            elif name == "v":
                values[name] = VILLAGES[int(r() * len(VILLAGES))]
            elif name == "p":
                values[name] = 1 + int(r() * 99)
            elif name == "d":
                values[name] = 2 + int(r() * 28)
            elif name == "y":
                values[name] = 2016 + int(r() * 9)
            else:
                values[name] = 2 + int(r() * r() * 900)
        return template.format_map(values)

    def pool(self, theme: Theme) -> tuple[str, ...]:
        """Pre-rendered paragraphs of a theme (for speed); `fill` mixes fresh sentences into them."""
        key = theme.topic + theme.terms[0]
        pool = self._pools.get(key)
        if pool is None:
            templates = theme.sentences + GENERIC_SENTENCES
            rng = random.Random(f"{self.seed}:{key}")  # independent of the order themes are first used
            paragraphs = []
            for i in range(POOL_SIZE):
                sentences = [self.render(templates[(i + j) % len(templates)], theme, rng.random)
                             for j in range(1 + rng.randrange(3))]
                if rng.random() < 0.6:
                    sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(COMMON_SENTENCES))
                paragraphs.append("".join(sentences))
            pool = self._pools[key] = tuple(paragraphs)
        return pool

    def fill(self, parts: list[str], theme: Theme, target: int, size: int) -> int:
        """Append paragraphs until the body reaches `target` characters."""
        r = self._r
        pool = self.pool(theme)
        sentences = theme.sentences
        while size < target:
            paragraph = pool[int(r() * POOL_SIZE)]
            if r() < 0.45:
                paragraph = self.render(sentences[int(r() * len(sentences))], theme) + paragraph
            parts.append(paragraph)
            size += len(paragraph) + 1
        return size

    # -- one document ------------------------------------------------------------------------------
    def compose(self, slug: str, genre: str, written_on: date, *, theme: Theme | None = None,
                subject: str | None = None, with_number: bool | None = None) -> CorpusDocument:
        """A document of `genre` by the agency `slug` (see AGENCIES), written on `written_on`.
        published_on is written_on + lag_wd Mon–Fri days (callers with a real calendar may recompute it)."""
        r = self._r
        _slug, name, short, code, _themes = AGENCY_INDEX[slug]
        theme = theme or self.theme_for(slug, genre)
        year = written_on.year
        term = self.pick(theme.terms)
        subject = subject or self.pick(theme.subjects)
        # Body length: 300–900 characters, mean ~530 (the last paragraph overshoots the target a little).
        target = max(300, int(220 + (r() + r() + r()) * 160))
        parts: list[str] = []
        number = ""
        item: int | None = GENRE_ITEM.get(genre, theme.item)
        topic = GENRE_TOPIC.get(genre) or theme.topic
        kind = "other"
        md = f"{written_on.month}月{written_on.day}日"
        if genre == "news":
            item = None
            event = self.pick(theme.events)
            verb = self.pick(("召开", "开展", "举办", "组织开展", "扎实推进", "部署"))
            title = self.pick((f"{short}{verb}{event}", f"{short}：{event}取得实效", f"{self.pick(VILLAGES)}{event}见闻",
                               f"{short}多措并举推进{term}", f"{year}年{short}{event}"))
            leader = f"{self.pick(LEADERS)}{self.person()}"
            parts.append(f"{md}，{short}在{self.pick(VILLAGES)}{verb}{event}，{leader}出席并讲话。")
            summary = f"{short}{verb}{event}，部署{term}等工作。"
            size = self.fill(parts, theme, target - 60, len(parts[0]))
            parts.append(self.pick(CLOSINGS).format(a=short, t=term, p=leader))
        elif genre in ("normative", "rule"):
            kind = "normative_document" if genre == "normative" else "rule"
            suffix = self.pick(("管理办法", "实施办法", "暂行办法", "实施细则", "管理规定"))
            if genre == "rule":
                title = f"吴忠市{subject}{suffix}"
                number = f"吴忠市人民政府令〔{year}〕{1 + int(r() * 6)}号"
                issuer = "吴忠市人民政府"
            else:
                title = f"{REGION}{subject}{suffix}"
                number = self.document_number(code[:-1] + "规发" if slug in ("gov", "bgs") else code, year)
                issuer = name
                if slug in ("gov", "bgs"):
                    title = f"{name}关于印发{title}的通知"
            parts.append(f"第一条 为了{self.pick(PURPOSES).format(s=subject)}，根据有关法律、法规和政策规定，"
                         f"结合本{'市' if genre == 'rule' else '县'}实际，制定本办法。")
            parts.append(f"第二条 本办法适用于本行政区域内的{subject}工作。")
            c, size = 3, len(parts[0]) + len(parts[1])
            while size < target - 50:
                article = self.pick(ARTICLES).format(c=CN_NUM[c - 1], a=issuer, t=self.pick(theme.terms))
                parts.append(article)
                size += len(article) + 1
                c += 1
                if c > 14:
                    break
            effective = written_on + timedelta(days=30)
            parts.append(f"第{CN_NUM[c - 1]}条 本办法自{effective.year}年{effective.month}月{effective.day}日起施行。")
            summary = f"规范{subject}，明确适用范围、职责分工、申请条件和监督管理等内容。"
        elif genre == "interpretation":
            title = f"《{REGION}{subject}{self.pick(('管理办法', '实施办法', '实施方案'))}》政策解读"
            parts.append(f"一、制定背景。为{self.pick(PURPOSES).format(s=subject)}，{short}起草了该文件，"
                         "经县人民政府常务会议审议通过，现就有关内容解读如下。")
            parts.append(f"二、主要内容。文件共{CN_NUM[4 + int(r() * 8)]}条，明确了{subject}的适用范围、"
                         f"职责分工、{term}标准和监督管理等内容。")
            size = self.fill(parts, theme, target - 80, len(parts[0]) + len(parts[1]))
            parts.append(f"三、解读机关及联系方式。{name}，联系电话：0953-6{self.number(100000, 999999)}。")
            summary = f"对{subject}有关文件的制定背景、主要内容和政策要点进行解读。"
        elif genre == "annual-report":
            report_year = year - 1 if written_on.month <= 3 else year
            title = f"{name}{report_year}年政府信息公开工作年度报告"
            parts.append(f"本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{report_year}年1月1日至12月31日。"
                         f"本报告电子版可在{REGION}人民政府门户网站查阅。")
            parts.append(f"一、总体情况。{report_year}年，{name}坚持以公开为常态、不公开为例外，主动公开政府信息"
                         f"{self.number(40, 900)}条，收到政府信息公开申请{self.number(0, 12)}件。")
            size = self.fill(parts, THEMES["zhengwu"], target - 60, len(parts[0]) + len(parts[1]))
            parts.append("存在的主要问题及改进情况：公开内容的全面性和及时性有待进一步提高，下一步将加强业务培训和监督检查。")
            summary = f"{name}{report_year}年政府信息公开工作情况。"
            topic = "02"
        else:
            title, lead, summary = self.head(genre, name, short, subject, term, year, theme)
            parts.append(lead)
            size = self.fill(parts, theme, target - 40, len(lead))
            if genre not in ("statistics",):
                parts.append(f"{name}\n{year}年{md}")
            if with_number is None:
                with_number = genre in ("other-document", "plan", "fees") or (
                    genre in ("notice", "emergency", "licensing", "penalty") and r() < 0.45)
            if genre == "penalty":
                number = f"盐{self.pick(('市监', '应急', '自然资', '交', '公'))}罚字〔{year}〕{self.number(1, 300)}号" \
                    if with_number else ""
            elif with_number:
                number = self.document_number(code, year)
        if with_number is False:
            number = ""
        body = "\n".join(parts)
        if len(body) > 900:  # cut at a sentence end: bodies stay within 300–900 characters
            cut = body.rfind("。", 0, 900)
            body = body[:cut + 1]
        while len(body) < 300:
            body += "\n" + self.pick(COMMON_SENTENCES) + self.pick(COMMON_SENTENCES)
        keywords = "；".join(dict.fromkeys((term, self.pick(theme.terms), self.pick(theme.terms))))
        lag = self.lag()
        return CorpusDocument(
            title=title, body=body, document_number=number, genre_code=genre, kind=kind, statutory_item=item,
            topic_code=topic, written_on=written_on, published_on=_add_weekdays(written_on, lag),
            keywords=keywords, summary=summary[:120], publisher=name, publisher_slug=slug, lag_wd=lag)

    def head(self, genre, name, short, subject, term, year, theme) -> tuple[str, str, str]:
        """Title, first paragraph and summary of the genres written as 通知/公告/公示 and the like."""
        purpose = self.pick(PURPOSES).format(s=subject)
        if genre == "notice":
            form = self._r()
            if theme is THEMES["zhengwu"] and 0.45 <= form < 0.75:
                form = 0.2  # 政务公开 has no 名单 to publicise: a 通知 instead
            if form < 0.45:
                title = f"{name}关于{self.pick(('做好', '开展', '进一步加强', '切实做好'))}{year}年{subject}工作的通知"
                lead = f"各乡镇人民政府，县直各部门、各单位：\n为{purpose}，现将有关事项通知如下："
            elif form < 0.75:
                what = self.pick(("拟认定对象", "资金发放情况", "拟补助名单", "评审结果", "审核结果"))
                title = f"关于{year}年度{subject}{what}的公示"
                names = "、".join(self.person() for _ in range(2 + int(self._r() * 5)))
                lead = (f"根据有关规定，现将{year}年度{subject}{what}予以公示，公示期为{self.number(5, 8)}个工作日。"
                        f"名单：{names}等。公示期内如有异议，请向{short}反映，联系人：{self.pick(PEOPLE)}。")
            else:
                title = f"{short}关于{subject}有关事项的公告"
                lead = f"为{purpose}，根据有关法律法规规定，现就有关事项公告如下："
            return title, lead, f"{short}就{subject}有关事项作出安排。"
        if genre == "other-document":
            verb = self.pick(("印发", "转发", "关于"))
            paper = f"{REGION}{subject}{self.pick(('工作方案', '实施方案', '考核办法'))}"
            if verb == "关于":
                title = f"{name}关于{subject}工作的{self.pick(('意见', '通知', '批复', '报告'))}"
            else:
                title = f"{name}关于{verb}《{paper}》的通知"
            lead = f"各乡镇人民政府，县直各部门：\n为{purpose}，经研究，现将《{paper}》印发给你们，请认真抓好落实。"
            return title, lead, f"部署{subject}工作任务和保障措施。"
        if genre == "plan":
            which = self.pick((f"{REGION}“十四五”{subject}规划", f"{REGION}{year}年{subject}工作计划",
                               f"{REGION}{subject}三年行动方案（{year}—{year + 2}年）"))
            title = f"{name}关于印发{which}的通知"
            lead = f"各乡镇人民政府，县直各部门：\n现将《{which}》印发给你们，请结合实际认真组织实施。"
            return title, lead, f"明确{subject}的目标任务、重点工程和保障措施。"
        if genre == "statistics":
            month = 1 + int(self._r() * 12)
            title = self.pick((f"{REGION}{year}年1—{month}月国民经济主要指标", f"{year}年{REGION}{term}统计数据",
                               f"{REGION}{year - 1}年国民经济和社会发展统计公报"))
            lead = f"{year}年以来，全县经济运行总体平稳、稳中有进，主要指标情况如下。"
            return title, lead, f"{REGION}{term}等统计数据。"
        if genre == "finance":
            what = self.pick(("部门预算", "部门决算", "“三公”经费预算", "政府预算", "政府决算", "财政预算执行情况"))
            title = f"{name}{year}年{what}公开"
            lead = (f"根据预算法和地方预决算公开操作规程，现将{name}{year}年{what}公开如下。"
                    f"一般公共预算财政拨款支出{self.number(100, 9000)}万元，“三公”经费{self.number(5, 90)}万元。")
            return title, lead, f"{name}{year}年{what}及说明。"
        if genre == "fees":
            title = f"{REGION}行政事业性收费项目目录清单（{year}年）"
            lead = f"根据自治区财政厅、发展改革委有关规定，现将{REGION}{year}年行政事业性收费项目目录清单予以公布，清单之外一律不得收费。"
            return title, lead, "行政事业性收费项目、依据和标准。"
        if genre == "procurement":
            project = self.pick(PROJECTS)
            way = self.pick(("公开招标", "竞争性磋商", "竞争性谈判", "询价"))
            what = self.pick(("公告", "中标结果公告", "成交结果公告", "更正公告"))
            title = f"{REGION}{project}项目{way}{what}"
            lead = (f"项目编号：YCZC{year}-{self.number(1, 400):03d}。采购人：{name}。预算金额：{self.number(20, 3000)}万元。"
                    f"供应商{self.pick(COMPANIES)}，联系人：{self.pick(PEOPLE)}。")
            return title, lead, f"{project}项目政府采购{way}{what}。"
        if genre == "licensing":
            what = self.pick(("行政许可决定", "建设工程规划许可", "取水许可", "食品经营许可", "药品零售许可",
                              "道路运输经营许可", "建设用地规划许可"))
            title = f"{short}{year}年{what}公示（第{self.number(1, 52)}期）"
            lead = f"根据《中华人民共和国行政许可法》，现将{self.pick(COMPANIES)}等申请人的{what}办理结果予以公示。"
            return title, lead, f"{what}办理结果公示。"
        if genre == "penalty":
            title = f"{short}行政处罚决定书（{self.pick(COMPANIES)}）"
            lead = (f"当事人：{self.pick(COMPANIES)}。经查，当事人存在违反{term}有关规定的行为，"
                    f"依据有关法律规定，决定给予警告并处罚款{self.number(1, 50)}千元。")
            return title, lead, f"对违反{term}规定行为的行政处罚决定。"
        if genre == "emergency":
            what = self.pick(("应急预案", "预警信息", "应对情况通报", "突发事件应急预案"))
            title = self.pick((f"{REGION}{subject}{what}", f"{short}关于发布{subject}{what}的通知",
                               f"{REGION}气象台发布大风黄色预警信号"))
            lead = f"为{purpose}，有效预防和处置突发事件，最大程度减少人员伤亡和财产损失，制定本{what}。"
            return title, lead, f"{subject}{what}。"
        if genre == "personnel":
            # Who an agency recruits fits the agency; the subject of its theme is not part of the title.
            who = self.pick(RECRUITS.get(_SLUG_OF_NAME.get(name, ""), (f"{short.removeprefix('县')}所属事业单位工作人员",)))
            what = self.pick(("公开招聘{w}公告", "公开招聘{w}拟聘用人员公示", "公开招聘{w}资格复审公告",
                              "公开招聘{w}体检结果公示", "任免"))
            if what == "任免":
                title = f"{name}关于{self.person()}等同志职务任免的通知"
                lead = f"经{name}党组研究决定，现将有关人员职务任免事项通知如下。"
                return title, lead, "有关人员职务任免。"
            what = what.format(w=who)
            title = f"{REGION}{year}年{what}"
            lead = f"根据《事业单位人事管理条例》和有关规定，经研究，现将{year}年{what.removesuffix('公告').removesuffix('公示')}有关事项公告如下。"
            return title, lead, f"{year}年{what}。"
        title = f"{short}{self.pick(('机构职能', '领导信息', '办事指南', '权责清单', '办公地址及联系方式'))}"
        lead = f"{name}主要负责{subject}等工作，内设办公室、综合股和业务股等机构。办公时间：工作日上午8:30—12:00，下午14:30—18:00。"
        return title, lead, f"{name}基本情况。"

    def lag(self) -> int:
        """Working days from written to published: mostly 1–10, ~3 % beyond the 20 of 条例第二十六条."""
        r = self._r()
        if r < 0.03:
            return 21 + int(self._r() * 40)
        if r < 0.10:
            return 11 + int(self._r() * 10)
        return 1 + int(self._r() * self._r() * 10)


def _add_weekdays(start: date, n: int) -> date:
    weekday = start.weekday()
    if weekday >= 5:  # from a weekend day: count from the Friday before
        return _add_weekdays(start - timedelta(days=weekday - 4), n)
    weeks, rest = divmod(n, 5)
    return start + timedelta(days=7 * weeks + rest + (2 if weekday + rest >= 5 else 0))


_GENRES = tuple(GENRE_WEIGHTS)
_GENRE_CUM = cumulative(GENRE_WEIGHTS.values())
_AGENCY_SLUGS = tuple(s for s, w in AGENCY_WEIGHTS.items() if w)
_AGENCY_CUM = cumulative([AGENCY_WEIGHTS[s] for s in _AGENCY_SLUGS])


def generate_documents(n: int, seed: int = 0, *, start_year: int = 2019, end_year: int = 2024
                       ) -> Iterator[CorpusDocument]:
    """`n` documents written in start_year..end_year (inclusive); deterministic for the arguments."""
    if end_year < start_year:
        raise ValueError("end_year must not be before start_year")
    composer = Composer(seed)
    first = date(start_year, 1, 1).toordinal()
    days = [d for d in range(first, date(end_year, 12, 31).toordinal() + 1) if (d + 6) % 7 < 5]  # Mon–Fri
    fromordinal = date.fromordinal
    r = composer._r
    for _ in range(n):
        genre = _GENRES[bisect(_GENRE_CUM, r() * _GENRE_CUM[-1])]
        slug = _AGENCY_SLUGS[bisect(_AGENCY_CUM, r() * _AGENCY_CUM[-1])]
        if genre in ("normative", "fees", "rule"):
            slug = "gov" if r() < 0.5 else "bgs"
        elif genre == "annual-report" and r() < 0.3:
            slug = "bgs"
        yield composer.compose(slug, genre, fromordinal(days[int(r() * len(days))]))


def _measure(n: int) -> None:
    started = time.perf_counter()
    total = 0
    for doc in generate_documents(n):
        total += len(doc.body)
    seconds = time.perf_counter() - started
    print(f"{n} documents in {seconds:.2f} s: {n / seconds:,.0f} documents/s, mean body {total / n:.0f} characters")


if __name__ == "__main__":
    _measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
