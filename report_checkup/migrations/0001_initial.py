"""The 年报体检 models leave `reports` without their tables moving (docs/auditor.md, 数据迁移).

They were reports.AuditBatch / reports.AuditedReport (reports migration 0003, which still creates the tables on
a fresh database). This migration only takes them into report_checkup's state, renamed CheckupBatch /
CheckedReport and still on the old tables (db_table); reports 0006 drops them from reports' state; 0002 renames
the tables. No row is copied, so an existing database keeps its batches."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0002_alter_agency_code_alter_agency_division_code_and_more'),
        ('reports', '0005_publication_gaps_override'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CheckupBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('upload', '上传的报告文件'), ('published', '本辖区已发布的年度报告')], max_length=16, verbose_name='来源')),
                        ('year', models.PositiveSmallIntegerField(blank=True, help_text='只体检该年度的报告；留空为全部。', null=True, verbose_name='年度')),
                        ('status', models.CharField(choices=[('processing', '处理中'), ('done', '已完成')], default='processing', max_length=16, verbose_name='状态')),
                        ('total', models.PositiveIntegerField(default=0, verbose_name='报告份数')),
                        ('processed', models.PositiveIntegerField(default=0, verbose_name='已处理')),
                        ('failed', models.PositiveIntegerField(default=0, verbose_name='无法读取')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='发起时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('agency', models.ForeignKey(help_text='体检结果对该机关及其上级机关的公开办工作人员可见；其他地区看不到。', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.agency', verbose_name='辖区')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '年报体检批次',
                        'verbose_name_plural': '年报体检批次',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'reports_auditbatch',
                    },
                ),
                migrations.CreateModel(
                    name='CheckedReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(verbose_name='序号')),
                        ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                        ('origin', models.CharField(choices=[('upload', '上传文件'), ('platform', '平台年度报告'), ('catalogue', '已发布信息的附件')], max_length=16, verbose_name='来源')),
                        ('reference', models.CharField(blank=True, help_text='平台年度报告或政府信息附件的编号。', max_length=120, verbose_name='出处')),
                        ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveIntegerField(blank=True, null=True, verbose_name='大小（字节）')),
                        ('status', models.CharField(choices=[('done', '已体检'), ('failed', '无法读取')], max_length=16, verbose_name='状态')),
                        ('error', models.CharField(blank=True, max_length=300, verbose_name='无法读取的原因')),
                        ('detected_agency', models.CharField(blank=True, max_length=200, verbose_name='识别的机关')),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='识别的年度')),
                        ('format', models.CharField(blank=True, max_length=16, verbose_name='识别的格式')),
                        ('errors', models.PositiveIntegerField(default=0, verbose_name='错误')),
                        ('warnings', models.PositiveIntegerField(default=0, verbose_name='警告')),
                        ('infos', models.PositiveIntegerField(default=0, verbose_name='提示')),
                        ('result', models.JSONField(blank=True, default=dict, verbose_name='体检结果')),
                        ('agency', models.ForeignKey(blank=True, help_text='平台中与识别出的机关名称对应的机关（用于历年对比）。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.agency', verbose_name='对应机关')),
                        ('annual_report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.annualreport', verbose_name='平台年度报告')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='report_checkup.checkupbatch', verbose_name='体检批次')),
                    ],
                    options={
                        'verbose_name': '体检的报告',
                        'verbose_name_plural': '体检的报告',
                        'ordering': ['batch', 'position'],
                        'db_table': 'reports_auditedreport',
                        'constraints': [models.UniqueConstraint(fields=('batch', 'position'), name='audited_report_position_once')],
                    },
                ),
            ],
        ),
    ]
