"""gunicorn configuration for Gongkai: `gunicorn -c deploy/gunicorn.conf.py` (deploy/systemd/gongkai-web.service).

Sync workers, several processes: the application is synchronous Django (ORM, WeasyPrint, matplotlib), and
a process per concurrent request keeps one slow PDF from holding up the others' Python code. Every worker
shares its state through the cache (Redis or the database; never local memory: see on_starting below).
Everything here can be set from the environment; the defaults suit a 2–4 core server behind nginx."""

import os

bind = os.environ.get("GONGKAI_BIND", "127.0.0.1:8000")  # or unix:/run/gongkai/gunicorn.sock
workers = int(os.environ.get("GONGKAI_WEB_WORKERS", "4"))
# The settings (and `gongkai check --deploy`) see the same number of workers.
os.environ["GONGKAI_WEB_WORKERS"] = str(workers)
worker_class = "sync"
wsgi_app = "gongkai.wsgi:application"

# A request that takes longer is killed and logged. Annual-report PDFs and a 100-file 年报体检 are the slowest
# pages (seconds, not minutes); nginx's proxy_read_timeout (deploy/nginx/gongkai.conf) is set just above this.
timeout = int(os.environ.get("GONGKAI_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to us open (upstream keepalive)
# Renew each worker now and then: PDF and chart libraries keep caches that grow with use.
max_requests = int(os.environ.get("GONGKAI_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Logs to the journal (systemd) through stdout/stderr. The access log shows the proxy's address; nginx's
# own access log has the client's.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GONGKAI_LOG_LEVEL", "info").lower()


def on_starting(server):
    """Refuse to start when the deployment checks that matter for several processes fail (gongkai.E001 a
    per-process cache, gongkai.E002 no GONGKAI_SITE_URL): better no site than one whose limits do not hold."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django
    from django.core.checks import ERROR, run_checks

    django.setup()
    problems = [m for m in run_checks(include_deployment_checks=True)
                if m.id and m.id.startswith("gongkai.") and m.level >= ERROR]
    if problems:
        for message in problems:
            server.log.error("%s: %s (%s)", message.id, message.msg, message.hint or "")
        raise SystemExit("gongkai: deployment checks failed; see `gongkai check --deploy`")
