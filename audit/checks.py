"""`gongkai check`: the audit trail's chain key (audit.E001–E002, W003)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def chain_key(app_configs=None, **kwargs):
    key = getattr(settings, "GONGKAI_AUDIT_CHAIN_KEY", "")
    production = not (settings.DEMO or settings.DEBUG)
    if not key:
        if not production:
            return []
        return [Error("GONGKAI_AUDIT_CHAIN_KEY 未设置：审计日志的哈希链没有密钥，无法写入审计日志。",
                      hint="python3 -c 'import secrets; print(secrets.token_urlsafe(48))'，"
                           "与 GONGKAI_SECRET_KEY、GONGKAI_FIELD_KEYS 不同（docs/configuration.md）。",
                      id="audit.E001")]
    if key == settings.SECRET_KEY or key in getattr(settings, "GONGKAI_FIELD_KEYS", []):
        return [Error("GONGKAI_AUDIT_CHAIN_KEY 与其他密钥相同：它必须单独生成、单独保管。", id="audit.E002")]
    if production and len(key) < 32:
        return [Warning("GONGKAI_AUDIT_CHAIN_KEY 太短（少于 32 个字符）。",
                        hint="python3 -c 'import secrets; print(secrets.token_urlsafe(48))'", id="audit.W003")]
    return []
