"""The ``zhifa`` console script: Django's management commands under the project's own name.

``zhifa workdays is-workday 2026-02-14``, ``zhifa audit verify``, ``zhifa migrate`` … all run
the management command of the same name with the project's settings. Two additions:

- ``zhifa check`` is the platform check (``platformcheck``: database, fonts, holidays, batches,
  overdue items, with Django's system checks as one item);
- a command that reads the database refuses, with what to run, when the database is not
  migrated (exit status 2), instead of failing with a traceback on a missing table.
"""

from __future__ import annotations

import os
import sys

# Commands that work without a migrated database: the ones that migrate or inspect it, set the
# project up, and the offline checks of a published draw anyone may run.
NO_DATABASE_NEEDED = frozenset(
    {
        "access",
        "check",
        "collectstatic",
        "compilemessages",
        "createcachetable",
        "dbshell",
        "diffsettings",
        "findstatic",
        "help",
        "makemessages",
        "makemigrations",
        "migrate",
        "optimizemigration",
        "platformcheck",
        "rfc3797",
        "sendtestemail",
        "shell",
        "showmigrations",
        "sqlmigrate",
        "squashmigrations",
        "startapp",
        "startproject",
        "test",
        "verify-draw",
        "version",
    }
)
UNMIGRATED_EXIT = 2


def _refuse_unmigrated(args: list[str]) -> None:
    """Exit with what to run when ``args`` names a command that needs the migrated database."""
    if not args or args[0].startswith("-") or args[0] in NO_DATABASE_NEEDED:
        return
    if "-h" in args or "--help" in args:
        return
    import django
    from django.core.management import get_commands
    from django.db import DatabaseError

    django.setup()
    if args[0] not in get_commands():
        return  # Django says "Unknown command" itself
    from zhifa.web.readiness import MIGRATE_HINT, unapplied_migrations

    try:
        pending = unapplied_migrations()
    except DatabaseError as error:
        sys.stderr.write(f"无法连接数据库（{error}）：请检查 ZHIFA_DATABASE_URL 设置。\n")
        sys.exit(UNMIGRATED_EXIT)
    if pending:
        sys.stderr.write(f"{MIGRATE_HINT}（{len(pending)} 项迁移未执行），再运行本命令。\n")
        sys.exit(UNMIGRATED_EXIT)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["check"]:
        args[0] = "platformcheck"
    elif args[:2] == ["help", "check"]:
        args[1] = "platformcheck"
    _refuse_unmigrated(args)
    execute_from_command_line(["zhifa", *args])


if __name__ == "__main__":
    main()
