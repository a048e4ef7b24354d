from gongkai.client_address import client_ip  # noqa: F401 - also imported from here by the public views

from .context import acting_as


class AuditContextMiddleware:
    """Every web request acts as its user from its client address (behind a proxy: the address the trusted
    proxies report, GONGKAI_TRUSTED_PROXY_COUNT), for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting_as(user=user if getattr(user, "is_authenticated", False) else None,
                       ip_address=client_ip(request)):
            return self.get_response(request)
