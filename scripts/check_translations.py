"""Fail when any Indonesian catalogue has an untranslated or fuzzy entry, or
when two catalogues translate the same English text differently.

Django merges every app's catalogue into one: for a msgid (and context) found
in two, one translation wins on every page, so the other app's button says a
word its tests and its users do not expect. Give one of them a context
(pgettext) if the meanings differ.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def problems() -> list[str]:
    found = []
    seen: dict[tuple, tuple[str, str]] = {}
    paths = [ROOT / "locale", ROOT / "setia"]
    for base in paths:
        for po_path in sorted(base.rglob("id/LC_MESSAGES/django.po")):
            where = str(po_path.relative_to(ROOT))
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete:
                    continue
                if not entry.translated() or "fuzzy" in entry.flags:
                    found.append(f"{where}: {entry.msgid!r}")
                    continue
                key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
                text = entry.msgstr or repr(sorted(entry.msgstr_plural.items()))
                first = seen.setdefault(key, (where, text))
                if first[1] != text:
                    found.append(
                        f"{where}: {entry.msgid!r} is {text!r} here but "
                        f"{first[1]!r} in {first[0]}"
                    )
    return found


if __name__ == "__main__":
    bad = problems()
    for line in bad:
        print("untranslated:", line)
    sys.exit(1 if bad else 0)
