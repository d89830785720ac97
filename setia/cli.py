"""The `setia` console command: a thin front over Django's management commands.

`setia serve`, `setia demo`, `setia migrate`, `setia customers import …` are the
management commands of the same names.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["setia", *args])


if __name__ == "__main__":
    main()
