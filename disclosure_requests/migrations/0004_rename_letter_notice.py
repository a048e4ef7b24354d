# The 告知书 record is called Notice (issue 14): `Letter` collided with the 领导信箱's letters.Letter. A rename,
# not a new table: the rows, their ids and their files stay; new files go under notices/ instead of letters/
# (old files keep the paths stored with them). Audit entries written before keep object_type
# "disclosure_requests.letter" (the trail is append-only); the case page reads both.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure_requests', '0003_consultation_notice_transfer_inspection'),
    ]

    operations = [
        migrations.RenameModel(
            old_name='Letter',
            new_name='Notice',
        ),
        migrations.AlterField(
            model_name='notice',
            name='request',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='disclosure_requests.disclosurerequest'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='docx',
            field=models.FileField(max_length=300, upload_to='notices/%Y/', verbose_name='DOCX'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='pdf',
            field=models.FileField(blank=True, max_length=300, upload_to='notices/%Y/', verbose_name='PDF'),
        ),
    ]
