"""`setia buildmessages`: compile every .po to .mo with polib.

Django's own compilemessages needs GNU gettext's msgfmt on the machine; polib does
the same in pure Python, so a fresh clone needs no system package to show Indonesian.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translations (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        roots = [settings.BASE_DIR / "locale", settings.BASE_DIR / "setia"]
        count = 0
        for root in roots:
            for po_path in Path(root).rglob("LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(
                    str(po_path.with_suffix(".mo"))
                )
                count += 1
        self.stdout.write(f"compiled {count} translation file(s)")
