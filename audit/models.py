from django.apps import apps as django_apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from .actions import action_label


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")


class AuditEntry(models.Model):
    """One state change anywhere in Gongkai. Append-only: the model refuses updates and deletes, database
    triggers (migration 0003) refuse them too, and on PostgreSQL the runtime role may only INSERT and SELECT
    (docs/operations.md). Tamper-evident: `seq` is gapless and `entry_hash` chains each entry to the previous
    one (audit.chain; `gongkai audit-trail verify`). Write only through `audit.services.record`."""

    # Set by audit.chain.append after the chain lock (never earlier than the previous entry's time).
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_label = models.CharField("操作人（记录时）", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    agency = models.ForeignKey("orgs.Agency", verbose_name="所属机构", null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    agency_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    seq = models.BigIntegerField("序号", unique=True, editable=False)
    prev_hash = models.CharField("前一条的哈希", max_length=64, editable=False)
    entry_hash = models.CharField("哈希", max_length=64, editable=False)
    # Chained by migration 0004 from an entry written before the chain existed: its time may run backwards
    # against its neighbours (it was not taken under the chain lock), which verify then does not report.
    backfilled = models.BooleanField(default=False, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")

    @property
    def action_label(self) -> str:
        """The action in words (audit.actions); the code itself is shown only as a tooltip."""
        return action_label(self.action)

    @property
    def actor_name(self) -> str:
        """The person by name (their account name is in actor_label, as it was when the entry was written)."""
        name = self.actor.get_full_name() if self.actor_id and self.actor is not None else ""
        return name or self.actor_label or "系统"

    @property
    def object_type_label(self) -> str:
        try:
            return str(django_apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return "其他对象"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class AuditVerification(models.Model):
    """The result of one `gongkai audit-trail verify` run (audit.verification.verify_trail). Append-only for
    the runtime role like the trail; the latest one is shown on the audit trail page. `head_seq`/`head_hash`
    anchor the next run: an entry it saw must still be there, unchanged."""

    at = models.DateTimeField("核验时间", default=timezone.now, editable=False, db_index=True)
    ok = models.BooleanField("通过")
    entries_checked = models.PositiveBigIntegerField("核验条数", default=0)
    head_seq = models.BigIntegerField("末条序号", null=True, blank=True)
    head_hash = models.CharField("末条哈希", max_length=64, blank=True)
    guard_ok = models.BooleanField("触发器正常", default=True)
    first_problem = models.CharField("第一个问题", max_length=500, blank=True)
    problems = models.JSONField("问题", default=list, blank=True)
    duration_ms = models.PositiveIntegerField("用时（毫秒）", default=0)

    class Meta:
        verbose_name = "审计日志核验"
        verbose_name_plural = "审计日志核验"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'通过' if self.ok else '未通过'}"
