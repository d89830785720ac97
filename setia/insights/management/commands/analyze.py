"""`setia analyze FILE.csv …`: the analytics engine on a CSV, without any shop."""

import sys

from django.core.management.base import BaseCommand

from setia.analytics.cli import run_analyze


class Command(BaseCommand):
    help = "Analyse a purchases CSV (RFM, pyramid, BG/NBD + Gamma-Gamma CLV)."
    requires_system_checks = []  # usable by an analyst without a configured shop

    def run_from_argv(self, argv):
        # The analytics CLI owns its argument parsing (`setia analyze --help`).
        code = run_analyze(argv[2:], sys.stdout)
        sys.exit(code)

    def handle(self, *args, **options):
        return None
