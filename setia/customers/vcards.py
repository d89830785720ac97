"""Phone contacts (.vcf from Android or iPhone) read with `vobject`.

Handles vCard 2.1 and 3.0: quoted-printable names (including 2.1 soft line
breaks, which vobject cannot read on its own), folded lines, several TEL lines
and Apple's grouped ``item1.TEL`` lines.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import vobject
from django.core.exceptions import ValidationError

from setia.lib import tabular
from setia.lib.phones import normalize_phone

_QP_LINE = re.compile(r"^[^:]*ENCODING=QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)


@dataclass
class Contact:
    index: int
    name: str
    phone: str = ""  # E.164, empty when no number is usable
    other_phones: list[str] = field(default_factory=list)
    raw_phones: list[str] = field(default_factory=list)
    email: str = ""
    birthday: str = ""
    address: str = ""
    city: str = ""
    notes: str = ""

    @property
    def usable(self) -> bool:
        return bool(self.phone)


def join_quoted_printable_soft_breaks(text: str) -> str:
    """vCard 2.1 ends a quoted-printable line with "=" and carries on unindented."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _QP_LINE.match(line):
            while line.endswith("=") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + lines[i]
        out.append(line)
        i += 1
    return "\r\n".join(out) + "\r\n"


def read_contacts(path: str | Path) -> Iterator[Contact]:
    """Every contact in the file, numbered from 1, with its best WhatsApp number."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = join_quoted_printable_soft_breaks(text)
    cards = vobject.readComponents(text, ignoreUnreadable=True)
    index = 0
    while True:
        try:
            card = next(cards)
        except StopIteration:
            return
        except Exception as exc:  # vobject raises ParseError and friends
            raise tabular.TabularError("unreadable") from exc
        if card.name != "VCARD":
            continue
        index += 1
        yield _contact(index, card)


def _value(card, key: str) -> str:
    entries = card.contents.get(key)
    if not entries:
        return ""
    value = entries[0].value
    return value if isinstance(value, str) else str(value)


def _name(card) -> str:
    name = " ".join(_value(card, "fn").split())
    if name:
        return name
    entries = card.contents.get("n")
    if entries:
        n = entries[0].value
        parts = [getattr(n, "prefix", ""), n.given, n.additional, n.family]
        return " ".join(" ".join(p) if isinstance(p, list) else p for p in parts if p)
    return ""


def _is_mobile(e164: str) -> bool:
    # Indonesian mobile numbers are +628…; landlines +62 21…, +62 22…
    return e164.startswith("+628")


def _phone_rank(entry) -> int:
    types = {t.upper() for t in entry.params.get("TYPE", [])}
    types |= {str(p).upper() for p in getattr(entry, "singletonparams", [])}
    return 0 if "PREF" in types else 1 if "CELL" in types else 2


def _contact(index: int, card) -> Contact:
    contact = Contact(index=index, name=_name(card))
    tel_entries = sorted(card.contents.get("tel", []), key=_phone_rank)
    numbers = []
    for entry in tel_entries:
        raw = str(entry.value).strip()
        contact.raw_phones.append(raw)
        try:
            e164 = normalize_phone(raw)
        except ValidationError:
            continue
        if e164 not in numbers:
            numbers.append(e164)
    mobiles = [n for n in numbers if _is_mobile(n)]
    best = mobiles[0] if mobiles else (numbers[0] if numbers else "")
    contact.phone = best
    contact.other_phones = [n for n in numbers if n != best]
    contact.email = _value(card, "email").strip()
    bday = _value(card, "bday").strip()
    if bday.startswith("--") and len(bday) == 6:
        bday = f"{bday[4:6]}/{bday[2:4]}"  # --MMDD, no year (iPhone)
    contact.birthday = bday
    adr = card.contents.get("adr")
    if adr:
        address = adr[0].value
        contact.address = " ".join(str(address.street).split())[:255]
        contact.city = " ".join(str(address.city).split())[:100]
    contact.notes = _value(card, "note").strip()
    return contact
