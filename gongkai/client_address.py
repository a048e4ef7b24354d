"""The client's address, for the public forms' rate limits, django-axes' login lock-out and the audit trail.

Without a proxy (GONGKAI_TRUSTED_PROXY_COUNT = 0, the default) it is REMOTE_ADDR. Behind N reverse proxies
that each append the address they received the request from to X-Forwarded-For (nginx's
`$proxy_add_x_forwarded_for`, deploy/nginx/gongkai.conf), the client is the N-th entry from the right: the
entries to the left of it were written by whoever sent the request and are never believed. A request that
carries fewer entries than N did not pass through every proxy; it gets REMOTE_ADDR (the nearest proxy),
which gives the request no address of its choosing."""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger("gongkai.client_address")


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    trusted = int(settings.GONGKAI_TRUSTED_PROXY_COUNT)
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [part.strip() for part in header.split(",") if part.strip()]
    if len(hops) < trusted:
        logger.warning("X-Forwarded-For 只有 %d 项，少于 GONGKAI_TRUSTED_PROXY_COUNT=%d：按 REMOTE_ADDR 计",
                       len(hops), trusted)
        return remote
    address = _valid(hops[-trusted])
    if address is None:
        logger.warning("X-Forwarded-For 中代理写入的地址无效：按 REMOTE_ADDR 计")
        return remote
    return address
