"""Applicants' names, e-mail addresses, 法定代表人 and 联系人 become encrypted fields (issue 16 §5, docs/privacy.md):
the columns turn into text, then the existing clear values are encrypted in place (re-runnable; reversible:
rolling back writes them in clear again before the columns turn back)."""

from django.core.validators import validate_email
from django.db import migrations

import gongkai.privacy

FIELDS = ["name", "email", "legal_representative", "contact_person"]


def encrypt(apps, schema_editor):
    from gongkai.key_rotation import encrypt_in_place

    encrypt_in_place(apps.get_model("disclosure_requests", "Applicant"), FIELDS)


def decrypt(apps, schema_editor):
    from gongkai.key_rotation import decrypt_in_place

    decrypt_in_place(apps.get_model("disclosure_requests", "Applicant"), FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure_requests", "0004_rename_letter_notice"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicant",
            name="name",
            field=gongkai.privacy.EncryptedTextField(verbose_name="姓名或名称"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="email",
            field=gongkai.privacy.EncryptedTextField(blank=True, validators=[validate_email], verbose_name="电子邮箱"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="legal_representative",
            field=gongkai.privacy.EncryptedTextField(blank=True, verbose_name="法定代表人或负责人"),
        ),
        migrations.AlterField(
            model_name="applicant",
            name="contact_person",
            field=gongkai.privacy.EncryptedTextField(blank=True, verbose_name="联系人"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
