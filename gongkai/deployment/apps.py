from django.apps import AppConfig
from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """`gongkai migrate` also creates the database cache's table (Django leaves that to a separate
    `createcachetable`, which is easy to forget; it does nothing when the table exists)."""
    if any(cache["BACKEND"].endswith("DatabaseCache") for cache in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class DeploymentConfig(AppConfig):
    name = "gongkai.deployment"
    label = "gongkai_deployment"
    verbose_name = "部署"

    def ready(self):
        from . import checks  # noqa: F401 - registers the checks

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="gongkai.create_cache_table")
