"""Fail when any Indonesian catalogue has an untranslated or fuzzy entry."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def problems() -> list[str]:
    found = []
    paths = [ROOT / "locale", ROOT / "setia"]
    for base in paths:
        for po_path in sorted(base.rglob("id/LC_MESSAGES/django.po")):
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete:
                    continue
                if not entry.translated() or "fuzzy" in entry.flags:
                    found.append(f"{po_path.relative_to(ROOT)}: {entry.msgid!r}")
    return found


if __name__ == "__main__":
    bad = problems()
    for line in bad:
        print("untranslated:", line)
    sys.exit(1 if bad else 0)
