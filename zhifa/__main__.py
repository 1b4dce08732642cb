"""The ``zhifa`` console script: Django's management commands under the project's own name.

``zhifa workdays is-workday 2026-02-14``, ``zhifa audit verify``, ``zhifa migrate`` … all run
the management command of the same name with the project's settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["zhifa", *args])


if __name__ == "__main__":
    main()
