"""`gongkai check --deploy`: what breaks only once several processes serve the site behind a proxy.

- E001: a per-process cache (local memory, dummy) with more than one web worker or in production: every
  worker keeps its own rate-limit counters and spent human-check tokens (N workers let N times the limit
  through, and a token is accepted once per worker), and a restart forgets them.
- E002: GONGKAI_SITE_URL missing or not an http(s) address: reminder mails would carry relative links.
- W003: a proxy is trusted but SECURE_PROXY_SSL_HEADER is off while GONGKAI_SITE_URL is https: Django
  takes every request for plain http (wrong scheme in absolute links, CSRF origin mismatches)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from gongkai.privacy import key_problem

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",
                      "django.core.cache.backends.dummy.DummyCache")


@register(Tags.caches, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    workers = int(settings.GONGKAI_WEB_WORKERS)
    production = not (settings.DEMO or settings.DEBUG)
    errors = []
    for alias, cache in settings.CACHES.items():
        if cache["BACKEND"] in PER_PROCESS_CACHES and (workers > 1 or production):
            errors.append(Error(
                f"缓存“{alias}”是进程内缓存（{cache['BACKEND'].rsplit('.', 1)[-1]}），"
                f"而 GONGKAI_WEB_WORKERS={workers}{'（生产环境）' if production else ''}：限流计数和一次性验证问题"
                "不能在进程间共享，重启后也会清零。",
                hint="设置 GONGKAI_REDIS_URL，或使用数据库缓存 gongkai.cache.DatabaseCache（docs/configuration.md）。",
                id="gongkai.E001"))
    return errors


@register(deploy=True)
def site_url(app_configs=None, **kwargs):
    url = settings.GONGKAI_SITE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [Error(f"GONGKAI_SITE_URL（{url!r}）不是完整的网址：提醒邮件中的链接将无法打开。",
                      hint="例如 GONGKAI_SITE_URL=https://gk.example.gov.cn", id="gongkai.E002")]
    return []


@register(Tags.security, deploy=True)
def proxy_scheme(app_configs=None, **kwargs):
    if (settings.GONGKAI_TRUSTED_PROXY_COUNT > 0 and not settings.SECURE_PROXY_SSL_HEADER
            and settings.GONGKAI_SITE_URL.startswith("https:")):
        return [Warning("经反向代理以 HTTPS 提供服务，但未信任代理的 X-Forwarded-Proto：Django 会把请求当作 http。",
                        hint="在 nginx 设置 X-Forwarded-Proto 后设置 GONGKAI_SECURE_PROXY_SSL_HEADER=1。",
                        id="gongkai.W003")]
    return []


# ---------------------------------------------------------------------------------------------- keys
# Not deploy-only: `gongkai check`, `migrate` and `runserver` stop on a malformed key, rather than every
# public submission failing later (gongkai/privacy.py, docs/privacy.md).
IDENTITY_HASH_KEY_MIN_CHARS = 32


@register(Tags.security)
def field_keys(app_configs=None, **kwargs):
    messages = []
    keys = list(settings.GONGKAI_FIELD_KEYS)
    for position, key in enumerate(keys, start=1):
        if problem := key_problem(key):
            messages.append(Error(
                f"GONGKAI_FIELD_KEYS 的第 {position} 个密钥（共 {len(keys)} 个）不是有效的 Fernet 密钥：{problem}。"
                "个人信息无法加密或解密，所有提交都会失败。",
                hint="Fernet 密钥是 32 字节的 URL 安全 base64（44 个字符，以 = 结尾）；用 `gongkai keys generate` 生成，"
                     "多个密钥以逗号分隔、最新的在前（docs/privacy.md）。",
                id="gongkai.E010"))
    if len(set(keys)) != len(keys):
        messages.append(Warning("GONGKAI_FIELD_KEYS 中有重复的密钥。", id="gongkai.W010"))
    hash_key = settings.GONGKAI_IDENTITY_HASH_KEY
    if hash_key and len(hash_key) < IDENTITY_HASH_KEY_MIN_CHARS:
        messages.append(Error(
            f"GONGKAI_IDENTITY_HASH_KEY 只有 {len(hash_key)} 个字符，至少需要 {IDENTITY_HASH_KEY_MIN_CHARS} 个："
            "过短的密钥使身份证号码的散列可被穷举。",
            hint="用 `gongkai keys generate --hash-key` 生成。", id="gongkai.E011"))
    elif not hash_key and (keys or not settings.DEMO):
        messages.append(Warning(
            "GONGKAI_IDENTITY_HASH_KEY 未设置：身份散列仍由第一个 Fernet 密钥（或 SECRET_KEY）派生，"
            "轮换 GONGKAI_FIELD_KEYS 会使重复提交识别和按申请人计算的信息处理费计数重新开始。",
            hint="生成一个独立密钥并运行 `gongkai keys rehash`（步骤见 docs/privacy.md）。",
            id="gongkai.W011"))
    return messages
