"""Word lists for the demo regions: real department names of each level and real place-name characters.

Each department entry is (slug, name, kind): the slug becomes the ASCII part of `Agency.code`.
"""

from orgs.models import AgencyKind

D = AgencyKind.DEPARTMENT
P = AgencyKind.PUBLIC_INSTITUTION

# ---------------------------------------------------------------------------
# 县级: modelled on 盐池县 (宁夏吴忠市), whose 2018 report aggregated 22 部门, 2 直属事业单位, 8 乡镇, 1 街道.
# The list is the line-up after the 2019 county 机构改革.
# ---------------------------------------------------------------------------
COUNTY_DEPARTMENTS = [
    ("fgj", "发展和改革局", D),
    ("jyj", "教育体育局", D),
    ("gaj", "公安局", D),
    ("mzj", "民政局", D),
    ("sfj", "司法局", D),
    ("czj", "财政局", D),
    ("rsj", "人力资源和社会保障局", D),
    ("zrzyj", "自然资源局", D),
    ("zjj", "住房和城乡建设局", D),
    ("jtysj", "交通运输局", D),
    ("swj", "水务局", D),
    ("nyncj", "农业农村局", D),
    ("swtcj", "商务和投资促进局", D),
    ("wlgdj", "文化旅游广电局", D),
    ("wjj", "卫生健康局", D),
    ("tyjrj", "退役军人事务局", D),
    ("yjglj", "应急管理局", D),
    ("sjj", "审计局", D),
    ("scjgj", "市场监督管理局", D),
    ("tjj", "统计局", D),
    ("ybj", "医疗保障局", D),
    ("xczxj", "乡村振兴局", D),
]
COUNTY_INSTITUTIONS = [
    ("zwfwzx", "政务服务中心", P),
    ("rmtzx", "融媒体中心", P),
]

# 事业单位 that are 法律、法规授权的具有管理公共事务职能的组织 and so receive 依申请公开 (《中华人民共和国政府信息公开
# 条例》第五十四条): the 住房公积金管理中心 manages the 住房公积金 under 《住房公积金管理条例》. The other demo 事业单位
# (融媒体中心、政务服务中心 …) disclose under 第五十五条 and receive no applications.
AUTHORISED_INSTITUTIONS = {"gjjzx", "zfzjzx"}

# ---------------------------------------------------------------------------
# 设区的市级: 市人民政府办公室 + 36 市直部门 + 4 直属事业单位 (about 40 units).
# ---------------------------------------------------------------------------
CITY_DEPARTMENTS = [
    ("fgw", "发展和改革委员会", D),
    ("jyj", "教育局", D),
    ("kjj", "科学技术局", D),
    ("gxj", "工业和信息化局", D),
    ("mzzjj", "民族宗教事务局", D),
    ("gaj", "公安局", D),
    ("mzj", "民政局", D),
    ("sfj", "司法局", D),
    ("czj", "财政局", D),
    ("rsj", "人力资源和社会保障局", D),
    ("zrzyj", "自然资源局", D),
    ("sthjj", "生态环境局", D),
    ("zjj", "住房和城乡建设局", D),
    ("jtysj", "交通运输局", D),
    ("swj", "水务局", D),
    ("nyncj", "农业农村局", D),
    ("swuj", "商务局", D),
    ("wlgdj", "文化旅游广电局", D),
    ("wjw", "卫生健康委员会", D),
    ("tyjrj", "退役军人事务局", D),
    ("yjglj", "应急管理局", D),
    ("sjj", "审计局", D),
    ("wb", "人民政府外事办公室", D),
    ("gzw", "人民政府国有资产监督管理委员会", D),
    ("scjgj", "市场监督管理局", D),
    ("tyj", "体育局", D),
    ("tjj", "统计局", D),
    ("ybj", "医疗保障局", D),
    ("lcj", "林业和草原局", D),
    ("cgj", "城市管理局", D),
    ("xczxj", "乡村振兴局", D),
    ("jgswj", "机关事务管理局", D),
    ("xfj", "信访局", D),
    ("zwfwj", "政务服务管理局", D),
    ("rfb", "人民防空办公室", D),
    ("jrj", "地方金融监督管理局", D),
]
CITY_INSTITUTIONS = [
    ("rmtzx", "融媒体中心", P),
    ("ggzyjyzx", "公共资源交易中心", P),
    ("gjjzx", "住房公积金管理中心", P),
    ("jcjczx", "综合检验检测中心", P),
]

# ---------------------------------------------------------------------------
# 省级: 省人民政府办公厅 + 45 省直部门 + 5 直属事业单位 (about 50 units).
# ---------------------------------------------------------------------------
PROVINCE_DEPARTMENTS = [
    ("fgw", "发展和改革委员会", D),
    ("jyt", "教育厅", D),
    ("kjt", "科学技术厅", D),
    ("gxt", "工业和信息化厅", D),
    ("mzw", "民族宗教事务委员会", D),
    ("gat", "公安厅", D),
    ("mzt", "民政厅", D),
    ("sft", "司法厅", D),
    ("czt", "财政厅", D),
    ("rst", "人力资源和社会保障厅", D),
    ("zrzyt", "自然资源厅", D),
    ("stt", "生态环境厅", D),
    ("zjt", "住房和城乡建设厅", D),
    ("jtyst", "交通运输厅", D),
    ("slt", "水利厅", D),
    ("nynct", "农业农村厅", D),
    ("swt", "商务厅", D),
    ("wht", "文化和旅游厅", D),
    ("wjw", "卫生健康委员会", D),
    ("tyjrt", "退役军人事务厅", D),
    ("yjglt", "应急管理厅", D),
    ("sjt", "审计厅", D),
    ("wb", "人民政府外事办公室", D),
    ("gzw", "人民政府国有资产监督管理委员会", D),
    ("scjgj", "市场监督管理局", D),
    ("gdj", "广播电视局", D),
    ("tyj", "体育局", D),
    ("tjj", "统计局", D),
    ("ybj", "医疗保障局", D),
    ("lcj", "林业和草原局", D),
    ("jrj", "地方金融监督管理局", D),
    ("xczxj", "乡村振兴局", D),
    ("jgswj", "机关事务管理局", D),
    ("xfj", "信访局", D),
    ("lsj", "粮食和物资储备局", D),
    ("nyj", "能源局", D),
    ("yjj", "药品监督管理局", D),
    ("zscqj", "知识产权局", D),
    ("zwfwj", "政务服务管理局", D),
    ("rfb", "人民防空办公室", D),
    ("jyglj", "监狱管理局", D),
    ("wwj", "文物局", D),
    ("zyyj", "中医药管理局", D),
    ("dsjj", "大数据管理局", D),
    ("jdj", "戒毒管理局", D),
]
PROVINCE_INSTITUTIONS = [
    ("skw", "社会科学院", P),
    ("nky", "农业科学院", P),
    ("gbdst", "广播电视台", P),
    ("ggzyjyzx", "公共资源交易中心", P),
    ("zfzjzx", "住房资金管理中心", P),
]

# 机构改革 at the root of each profile: (predecessor slugs and names, successor slug, effective date, note).
# The predecessors are created as departments and dissolved by orgs.services.reorganise.
REORGANISATIONS = {
    "county": {
        "predecessors": [("gtzyj", "国土资源局"), ("lyj", "林业局")],
        "successor": "zrzyj",
        "effective_on": "2019-03-01",
        "note": "根据《{region}机构改革实施方案》，整合原{level}国土资源局、原{level}林业局的职责，组建{level}自然资源局。",
    },
    "city": {
        "predecessors": [("gtzyj", "国土资源局"), ("ghj", "城乡规划局")],
        "successor": "zrzyj",
        "effective_on": "2019-01-31",
        "note": "根据《{region}机构改革方案》，整合原{level}国土资源局、原{level}城乡规划局的职责，组建{level}自然资源局。",
    },
    "province": {
        "predecessors": [("gtzyt", "国土资源厅"), ("chj", "测绘地理信息局")],
        "successor": "zrzyt",
        "effective_on": "2018-10-31",
        "note": "根据《{region}机构改革方案》，整合原{level}国土资源厅、原{level}测绘地理信息局的职责，组建{level}自然资源厅。",
    },
}

# ---------------------------------------------------------------------------
# 盐池县 itself (public facts from its published 2018 annual report and the division code list).
# ---------------------------------------------------------------------------
YANCHI = {
    "name": "盐池县",
    "code": "yanchi",
    "code_prefix": "yc",
    "division_code": "640323",
    "postcode": "751500",
    "area_code": "0953",
    "province_abbr": "宁",
    "government_address": "盐池县鼓楼南路37号",
    "superior_government": "吴忠市人民政府",  # 盐池县 belongs to 吴忠市: its 行政复议机关 (行政复议法 第二十四条)
    "streets": ["鼓楼南路", "鼓楼北路", "盐州路", "花马池东街", "花马池西街", "长城路", "振兴路", "团结路"],
    # (slug, name, kind): 4 镇, 4 乡 and the 街道, in the order the county lists them.
    "towns": [
        ("hmc", "花马池镇"), ("dsk", "大水坑镇"), ("hab", "惠安堡镇"), ("gsw", "高沙窝镇"),
        ("wlj", "王乐井乡"), ("fjg", "冯记沟乡"), ("qs", "青山乡"), ("mhs", "麻黄山乡"),
    ],
    "subdistrict": ("yzl", "盐州路街道"),
}

# ---------------------------------------------------------------------------
# Place names for the generated (fictional) regions: characters that real Chinese place names use.
# ---------------------------------------------------------------------------
PLACE_FIRST = (
    "安宝北昌长崇大丹德定东丰凤阜富高广海和河鹤红洪华怀淮会吉嘉建江金晋景靖静九康乐利临灵隆龙泸"
    "鹿罗洛满茂梅蒙南宁平蒲祁青清庆泉仁荣瑞三沙山尚石寿双顺泰太桐通万望威文武西仙祥新兴秀延阳永"
    "玉元云肇镇中"
)
PLACE_SECOND = "安昌城川丹德东丰阜海和河化华江康乐林陵宁平浦泉山台泰潭阳兴源远原云泽州峰溪湖关"
# Real provinces and autonomous regions, so that the fictional province never borrows a real name.
REAL_PROVINCES = {
    "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "广西", "西藏", "宁夏", "新疆",
    "北京", "天津", "上海", "重庆", "香港", "澳门",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# Towns named after a family settlement (王家庄镇, 李集乡) or a landmark (沙河镇, 石井乡).
FAMILY_SUFFIXES = ["家庄", "家沟", "家湾", "家堡", "家河", "家营", "集", "营", "庄", "寨", "店", "铺"]
LANDMARK_FIRST = "白红黑青石沙柳杨马牛羊鹿龙凤黄金银铁桃梨枣杏松桥泉"
LANDMARK_SECOND = "河沟泉井湾山坪塬岭台桥滩川峪坝堡口"
SUBDISTRICT_NAMES = [
    "城关街道", "东城街道", "西城街道", "南关街道", "北关街道", "新华路街道", "人民路街道", "解放路街道",
    "建设路街道", "中山路街道", "和平路街道", "文化路街道", "胜利路街道", "长安路街道", "朝阳街道",
    "向阳街道", "滨河街道", "迎宾路街道", "鼓楼街道", "新城街道",
]
STREETS = [
    "人民路", "解放路", "建设路", "文化路", "新华街", "政府街", "长城路", "中山路", "和平路", "胜利路",
    "团结路", "振兴路", "迎宾大道", "朝阳街", "滨河路", "府前街", "健康路", "育才路", "兴业路", "金融街",
]

# 乡镇 seats have their own short streets (not the county seat's 鼓楼南路).
TOWN_STREETS = ["新华街", "人民街", "团结路", "府前街", "振兴路", "兴业路", "建设街", "和平街"]

# Chinese full names for the staff users: surname + one or two given-name characters.
GIVEN_NAME_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉海燕鹏飞晓雪梅慧宁波凯琳"

OFFICE_HOURS = "工作日 上午8:30—12:00，下午14:30—18:00"
