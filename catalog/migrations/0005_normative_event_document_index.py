"""Index NormativeEvent by (document, event, on): 表二 第二十条第（一）项's 现行有效 count checks, for each
规章 / 行政规范性文件, whether it was issued and whether it was repealed or expired by 31 December. Without
this index SQLite planned those correlated lookups on normative_event_on (event, on) and read every event of
the kind for every document, quadratic in the number of documents (bench/report_aggregation.py,
docs/benchmarks.md "年报汇总")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_browse_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="normativeevent",
            index=models.Index(fields=["document", "event", "on"], name="normative_event_document"),
        ),
    ]
