"""The tables taken over in 0001 get report_checkup's names (reports_auditbatch → report_checkup_checkupbatch,
reports_auditedreport → report_checkup_checkedreport), and the unique constraint its new name. Real database
operations: the same on a fresh database (where reports 0003 created the tables) and on an existing one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('report_checkup', '0001_initial'),
        ('reports', '0006_checkup_models_leave'),
    ]

    operations = [
        migrations.AlterModelTable(name='checkupbatch', table=None),
        migrations.AlterModelTable(name='checkedreport', table=None),
        migrations.RemoveConstraint(model_name='checkedreport', name='audited_report_position_once'),
        migrations.AddConstraint(
            model_name='checkedreport',
            constraint=models.UniqueConstraint(fields=('batch', 'position'), name='checked_report_position_once'),
        ),
    ]
