"""The `gongkai` console command: Django's management commands with the project's settings."""

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line

# Commands that change the schema: with GONGKAI_MIGRATE_DATABASE_URL set they connect as the schema's owner
# (docs/operations.md §3), everything else as the runtime role of DATABASE_URL.
OWNER_COMMANDS = {"migrate", "createcachetable", "backup", "restore"}  # backup: pg_dump reads every table and sequence


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    args = sys.argv[1:] if argv is None else argv
    if args[:1] and args[0] in OWNER_COMMANDS and os.environ.get("GONGKAI_MIGRATE_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["GONGKAI_MIGRATE_DATABASE_URL"]
    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, to report a bad configuration plainly
    except ImproperlyConfigured as error:
        sys.stderr.write(f"gongkai：配置有误：{error}\n（配置说明见 docs/configuration.md）\n")
        sys.exit(2)
    execute_from_command_line(["gongkai", *args])


if __name__ == "__main__":
    main()
