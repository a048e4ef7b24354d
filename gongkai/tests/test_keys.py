"""Field-encryption keys (issue 16 §5, docs/privacy.md): rotation re-encrypts every encrypted field, a value
no key opens is never saved over, identity hashes survive a Fernet rotation, `gongkai check` validates keys."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.models import AuditEntry
from gongkai import key_rotation
from gongkai.privacy import (
    PLACEHOLDER,
    UndecryptableFieldError,
    decrypt,
    encrypt,
    encrypted_fields,
    identity_key,
    is_undecryptable,
    legacy_identity_hash_secret,
    mask,
)
from mailboxes import services as letters_services
from mailboxes.models import Letter, Mailbox

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))
HASH_KEY = "k" * 48
WRITER = letters_services.WriterData(name="马文静", phone="13995123456", email="mwj@example.cn",
                                     address="盐池县花马池镇盐州路88号")


@pytest.fixture
def letter(region, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GONGKAI_FIELD_KEYS = [OLD]
    mailbox = Mailbox.objects.create(agency=region["county"], code="head", name="县长信箱", kind="leader")
    return letters_services.submit_letter(mailbox=mailbox, writer=WRITER, letter_type="inquiry", subject="咨询",
                                          body="请问招生时间？", consent_to_publish=False)


def _raw(pk, column="writer_phone"):
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Letter._meta.db_table)  # whatever the app's table is called
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def test_every_encrypted_field_is_found():
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {"mailboxes.Letter.writer_phone", "mailboxes.Letter.writer_address", "consultations.ConsultationComment.commenter_contact",
            "disclosure_requests.Applicant.id_number", "disclosure_requests.Applicant.phone"} <= labels


def test_rotate_reencrypts_with_the_new_key_in_batches_and_reports(letter, settings):
    letters_services.submit_letter(mailbox=letter.mailbox, writer=WRITER, letter_type="inquiry", subject="再问",
                                   body="第二封", consent_to_publish=False)
    before = _raw(letter.pk)
    settings.GONGKAI_FIELD_KEYS = [NEW, OLD]
    status = key_rotation.status()
    phone = next(c for c in status.fields if c.label == "mailboxes.Letter.writer_phone")
    assert (phone.rows, phone.current, phone.rotated) == (2, 0, 2)
    assert _raw(letter.pk) == before  # status changes nothing

    report = key_rotation.rotate(batch_size=1)
    assert report.rotated >= 8 and report.undecryptable == 0  # name, phone, e-mail, address at least
    assert _raw(letter.pk) != before
    settings.GONGKAI_FIELD_KEYS = [NEW]  # the old key dropped: everything still reads
    again = Letter.objects.get(pk=letter.pk)
    assert (again.writer_phone, again.writer_address, again.writer_name) == ("13995123456", "盐池县花马池镇盐州路88号",
                                                                            "马文静")
    # A second run has nothing left to do.
    assert key_rotation.rotate().rotated == 0


def test_rotate_command_reports_counts_and_is_audited(letter, settings):
    from io import StringIO

    settings.GONGKAI_FIELD_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "mailboxes.Letter.writer_phone" in out.getvalue() and "已用最新密钥重新加密" in out.getvalue()
    entry = AuditEntry.objects.get(action="gongkai.keys.rotate")
    assert entry.after["mailboxes.Letter.writer_phone"]["rotated"] == 1
    assert "13995123456" not in str(entry.after)
    out = StringIO()
    call_command("keys", "status", stdout=out)
    assert "可以移除旧密钥" in out.getvalue()


def test_a_value_no_key_opens_is_never_saved_over(letter, settings, caplog):
    stored = _raw(letter.pk)
    settings.GONGKAI_FIELD_KEYS = [OTHER]  # the right key is missing
    loaded = Letter.objects.get(pk=letter.pk)
    assert is_undecryptable(loaded.writer_phone) and loaded.writer_phone == PLACEHOLDER
    assert mask(loaded.writer_phone) == PLACEHOLDER
    loaded.subject = "改了标题"
    with caplog.at_level(logging.ERROR, logger="gongkai.privacy"), pytest.raises(UndecryptableFieldError) as error:
        loaded.save()
    assert "无法用当前配置的密钥解密" in str(error.value)
    assert "13995123456" not in caplog.text and stored not in caplog.text and "writer_" in caplog.text
    # The placeholder copied as plain text (a form's initial value sent back) is refused too.
    loaded.writer_phone = str(loaded.writer_phone).strip()
    with pytest.raises(UndecryptableFieldError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(writer_phone=loaded.writer_phone)
    assert _raw(letter.pk) == stored
    # Saving only other fields is allowed: the ciphertext is not touched.
    loaded.save(update_fields=["subject"])
    assert _raw(letter.pk) == stored
    settings.GONGKAI_FIELD_KEYS = [OLD]
    assert Letter.objects.get(pk=letter.pk).writer_phone == "13995123456"


def test_rotation_leaves_undecryptable_values_and_the_command_fails(letter, settings):
    stored = _raw(letter.pk)
    settings.GONGKAI_FIELD_KEYS = [NEW]  # OLD lost
    report = key_rotation.rotate()
    assert report.undecryptable >= 4 and report.rotated == 0
    assert _raw(letter.pk) == stored
    with pytest.raises(CommandError, match="无法用任何已配置的密钥解密"):
        call_command("keys", "rotate")


def test_identity_hash_is_stable_across_a_field_key_rotation(settings):
    settings.GONGKAI_IDENTITY_HASH_KEY = HASH_KEY
    settings.GONGKAI_FIELD_KEYS = [OLD]
    before = identity_key("11010519491231002X")
    settings.GONGKAI_FIELD_KEYS = [NEW, OLD]
    assert identity_key("11010519491231002x ") == before


def test_without_a_hash_key_the_former_derivation_is_kept(settings):
    """Existing deployments: unset, hashes are what they were (first Fernet key), so nothing restarts."""
    import hashlib
    import hmac

    settings.GONGKAI_IDENTITY_HASH_KEY = ""
    settings.GONGKAI_FIELD_KEYS = [OLD]
    expected = hmac.new(OLD.encode(), b"11010519491231002X", hashlib.sha256).hexdigest()
    assert identity_key("11010519491231002X") == expected
    assert legacy_identity_hash_secret() == OLD.encode()


@pytest.mark.django_db
def test_rehash_moves_existing_hashes_to_the_new_key(settings):
    from disclosure_requests.models import Applicant

    settings.GONGKAI_FIELD_KEYS = [OLD]
    settings.GONGKAI_IDENTITY_HASH_KEY = ""
    applicant = Applicant.objects.create(applicant_type="natural_person", name="张三", id_type="resident_id",
                                         id_number="11010519491231002X", id_key=identity_key("11010519491231002X"),
                                         phone="13995123456")
    settings.GONGKAI_IDENTITY_HASH_KEY = HASH_KEY
    call_command("keys", "rehash")
    applicant.refresh_from_db()
    assert applicant.id_key == identity_key("11010519491231002X")
    settings.GONGKAI_FIELD_KEYS = [NEW, OLD]  # a later Fernet rotation does not move it
    assert applicant.id_key == identity_key("11010519491231002X")
    assert AuditEntry.objects.filter(action="gongkai.keys.rehash").exists()


def _ids():
    return {m.id for m in run_checks() if m.id.startswith("gongkai.")}


def test_check_refuses_a_malformed_key_and_warns_without_a_hash_key(settings):
    settings.GONGKAI_FIELD_KEYS = ["not-a-key", OLD]
    settings.GONGKAI_IDENTITY_HASH_KEY = ""
    messages = [m for m in run_checks() if m.id in ("gongkai.E010", "gongkai.W011")]
    assert [m.id for m in messages] == ["gongkai.E010", "gongkai.W011"]
    assert "第 1 个密钥" in messages[0].msg and "not-a-key" not in messages[0].msg
    settings.GONGKAI_FIELD_KEYS = [OLD]
    settings.GONGKAI_IDENTITY_HASH_KEY = "short"
    assert "gongkai.E011" in _ids()
    settings.GONGKAI_IDENTITY_HASH_KEY = HASH_KEY
    assert not _ids() & {"gongkai.E010", "gongkai.E011", "gongkai.W011"}


def test_a_malformed_key_fails_clearly_not_with_a_traceback(settings):
    from gongkai.privacy import InvalidFieldKey

    settings.GONGKAI_FIELD_KEYS = ["not-a-key"]
    with pytest.raises(InvalidFieldKey, match="第 1 个密钥"):
        encrypt("x")


def test_round_trip_and_placeholder(settings):
    settings.GONGKAI_FIELD_KEYS = [OLD]
    token = encrypt("盐州路")
    assert decrypt(token) == "盐州路"
    settings.GONGKAI_FIELD_KEYS = [OTHER]
    assert decrypt(token) == PLACEHOLDER and is_undecryptable(decrypt(token))


def test_clear_values_are_encrypted_in_place_and_back(letter, settings):
    """The helper the Applicant name/e-mail migration uses: clear text becomes a token, a token is left alone,
    and the reverse restores clear text."""
    from django.db.models import TextField as PlainText
    from django.db.models import Value

    Letter.objects.filter(pk=letter.pk).update(writer_name=Value("马文静", output_field=PlainText()))
    assert _raw(letter.pk, "writer_name") == "马文静"
    phone_before = _raw(letter.pk)
    assert key_rotation.encrypt_in_place(Letter, ["writer_name", "writer_phone"]) == 1
    assert _raw(letter.pk, "writer_name") != "马文静" and _raw(letter.pk) == phone_before
    assert Letter.objects.get(pk=letter.pk).writer_name == "马文静"
    assert key_rotation.encrypt_in_place(Letter, ["writer_name"]) == 0  # re-run: nothing left
    assert key_rotation.decrypt_in_place(Letter, ["writer_name"]) == 1
    assert _raw(letter.pk, "writer_name") == "马文静"


@pytest.mark.django_db
def test_applicant_names_and_email_are_encrypted_at_rest(settings):
    """Issue 16 §5: 申请人's name, e-mail, 法定代表人 and 联系人 joined the encrypted fields (docs/privacy.md)."""
    from disclosure_requests.models import Applicant

    settings.GONGKAI_FIELD_KEYS = [OLD]
    applicant = Applicant.objects.create(
        applicant_type="natural_person", name="马文静", id_type="resident_id", id_number="11010519491231002X",
        id_key=identity_key("11010519491231002X"), phone="13995123456", email="mwj@example.cn",
        contact_person="马小静", legal_representative="马大静")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email, contact_person, legal_representative FROM disclosure_requests_applicant "
                       "WHERE id = %s", [applicant.pk])
        raw = cursor.fetchone()
    assert not any(clear in " ".join(raw) for clear in ("马文静", "mwj@example.cn", "马小静", "马大静"))
    again = Applicant.objects.get(pk=applicant.pk)
    assert (again.name, again.email, again.contact_person) == ("马文静", "mwj@example.cn", "马小静")
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert {"disclosure_requests.Applicant.name", "disclosure_requests.Applicant.email"} <= labels
