from .context import acting_as


def client_ip(request) -> str | None:
    # Behind a reverse proxy, set the proxy to overwrite REMOTE_ADDR (docs/operations.md); we do not
    # trust X-Forwarded-For from clients.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting_as(user=user if getattr(user, "is_authenticated", False) else None,
                       ip_address=client_ip(request)):
            return self.get_response(request)
