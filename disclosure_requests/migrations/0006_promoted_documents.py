"""第四十四条 drafts made from a case get their own source, DisclosureRequest.promoted_documents; until now the
case page read them from the audit trail ("requests.promote" entries). This fills the field from those
entries once; afterwards services.promote writes it and the trail only audits."""

from django.db import migrations, models


def from_the_trail(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    DisclosureRequest = apps.get_model("disclosure_requests", "DisclosureRequest")
    Document = apps.get_model("catalog", "Document")
    entries = AuditEntry.objects.filter(action="requests.promote", object_type="disclosure_requests.disclosurerequest")
    for entry in entries.iterator():
        document_id = entry.after.get("document") if isinstance(entry.after, dict) else None
        case = DisclosureRequest.objects.filter(pk=entry.object_id).first() if entry.object_id.isdigit() else None
        if case is not None and document_id and Document.objects.filter(pk=document_id).exists():
            case.promoted_documents.add(document_id)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_hash_chain"),
        ("catalog", "0010_attachment_active_content"),
        ("disclosure_requests", "0005_applicant_names_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosurerequest",
            name="promoted_documents",
            field=models.ManyToManyField(blank=True, editable=False, related_name="+", to="catalog.document",
                                         verbose_name="转为主动公开的信息"),
        ),
        migrations.RunPython(from_the_trail, migrations.RunPython.noop),
    ]
