"""The `setia` console command: a thin front over Django's management commands.

`setia serve`, `setia demo`, `setia migrate`, `setia customers import …` are the
management commands of the same names.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setia.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["analyze"]:
        # The analytics engine needs no Django: skipping its start-up keeps
        # `setia analyze` on a million purchases inside its time budget.
        from setia.analytics.cli import run_analyze

        sys.exit(run_analyze(args[1:]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["setia", *args])


if __name__ == "__main__":
    main()
