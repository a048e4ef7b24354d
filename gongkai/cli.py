"""The `gongkai` console command: Django's management commands with the project's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, to report a bad configuration plainly
    except ImproperlyConfigured as error:
        sys.stderr.write(f"gongkai：配置有误：{error}\n（配置说明见 docs/configuration.md）\n")
        sys.exit(2)
    execute_from_command_line(["gongkai", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
