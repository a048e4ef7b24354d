"""Seed data, editable afterwards: the 主题分类 used by the central government's policy library (observed
practice; local platforms may replace it) and the usual 体裁分类 of a 政府信息公开 column."""

from django.db import migrations

TOPICS = [
    "国务院组织机构", "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源",
    "农业、林业、水利", "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护",
    "科技、教育", "文化、广电、新闻出版", "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察",
    "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
]
GENRES = [
    ("rule", "规章", "policy"),
    ("normative", "行政规范性文件", "policy"),
    ("other-document", "其他文件", "policy"),
    ("interpretation", "政策解读", "policy"),
    ("news", "工作动态", "news"),
    ("notice", "通知公告", "notice"),
    ("plan", "规划计划", "other"),
    ("statistics", "统计信息", "other"),
    ("finance", "财政预决算", "other"),
    ("fees", "行政事业性收费", "other"),
    ("procurement", "政府采购", "other"),
    ("licensing", "行政许可", "other"),
    ("penalty", "行政处罚", "other"),
    ("emergency", "应急管理", "other"),
    ("personnel", "人事信息", "other"),
    ("annual-report", "年度报告", "report"),
    ("other", "其他", "other"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("catalog", "Topic")
    Genre = apps.get_model("catalog", "Genre")
    db = schema_editor.connection.alias
    for order, name in enumerate(TOPICS, start=1):
        Topic.objects.using(db).get_or_create(code=f"{order:02d}", defaults={"name": name, "sort_order": order})
    for order, (code, name, column_type) in enumerate(GENRES, start=1):
        Genre.objects.using(db).get_or_create(code=code, defaults={"name": name, "column_type": column_type,
                                                                   "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
