"""vCard: cards read as table rows (Outlook, The Bat!, Google, Apple, Android exports; 2.1,
3.0, 4.0) and contacts written as cards (3.0 or 4.0), both through vobject.

Version 2.1 cards carry their own CHARSET and QUOTED-PRINTABLE text that vobject does not
decode by the charset, so such lines are decoded here before vobject reads the card. Photos,
logos, sounds and keys are dropped unread: a broken picture must not lose the person.
"""

from __future__ import annotations

import io
import quopri
import re
from collections.abc import Iterable, Iterator

import vobject

VCARD_HEADERS = (
    "N: family name",
    "N: given name",
    "N: additional names",
    "FN",
    "ORG",
    "TITLE",
    "TEL",
    "EMAIL",
    "BDAY",
    "NOTE",
    "ADR",
    "UID",
)
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_BEGIN_RE = re.compile(r"^(?:[\w-]+\.)?BEGIN:VCARD$", re.I)
_END_RE = re.compile(r"^(?:[\w-]+\.)?END:VCARD$", re.I)
_PARAM_RE = re.compile(r"^([^:;]+)((?:;[^:]*)?):(.*)$", re.S)
CARD_LIMIT = 256 * 1024  # characters of one card (without its photo)


def _unfold(lines: list[str]) -> list[str]:
    """Logical lines: folded continuations joined, QUOTED-PRINTABLE soft breaks too."""
    result: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if result and line[:1] in (" ", "\t"):
            result[-1] += line[1:]
        elif result and result[-1].endswith("=") and "QUOTED-PRINTABLE" in result[-1].upper():
            result[-1] = result[-1][:-1] + line
        else:
            result.append(line)
    return result


def _decode_line(line: str) -> str | None:
    """The line as vobject reads it: binary properties dropped, 2.1 QUOTED-PRINTABLE and
    CHARSET decoded into text."""
    match = _PARAM_RE.match(line)
    if not match:
        return line
    name, params, value = match.groups()
    base = name.split(".")[-1].upper()
    if base in _BINARY:
        return None
    upper = params.upper()
    if "QUOTED-PRINTABLE" not in upper and "CHARSET" not in upper:
        return line
    charset = "utf-8"
    kept = []
    for param in params.split(";")[1:]:
        key, _sep, val = param.partition("=")
        if key.upper() == "CHARSET":
            charset = val.strip('"') or "utf-8"
        elif key.upper() == "ENCODING" or param.upper() == "QUOTED-PRINTABLE":
            continue
        else:
            kept.append(param)
    raw = value.encode("latin-1", errors="replace")
    if "QUOTED-PRINTABLE" in upper:
        raw = quopri.decodestring(raw)
        try:
            text = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = raw.decode("cp1251", errors="replace")
    else:
        text = value  # the file's own decoding already made it text
    text = text.replace("\r\n", "\\n").replace("\n", "\\n")
    return name + "".join(";" + p for p in kept) + ":" + text


def _cards(handle: Iterable[str]) -> Iterator[list[str]]:
    card: list[str] | None = None
    size = 0
    for line in handle:
        stripped = line.strip()
        if _BEGIN_RE.match(stripped):
            card, size = [line], len(line)
        elif card is not None:
            size += len(line)
            if size <= CARD_LIMIT or line[:1] not in (" ", "\t"):
                card.append(line)
            if _END_RE.match(stripped):
                yield card
                card = None


def is_begin(line: str) -> bool:
    return bool(_BEGIN_RE.match(line.strip()))


def _values(card, name: str) -> list:
    return [item.value for item in card.contents.get(name, [])]


def _text(value) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def card_row(card) -> list[str]:
    names = _values(card, "n")
    family = given = additional = ""
    if names and isinstance(names[0], vobject.vcard.Name):
        n = names[0]
        family, given, additional = _text(n.family), _text(n.given), _text(n.additional)
    org = _values(card, "org")
    organisation = ""
    if org:
        organisation = org[0][0] if isinstance(org[0], list) and org[0] else _text(org[0])
    addresses = []
    for adr in _values(card, "adr"):
        if isinstance(adr, vobject.vcard.Address):
            parts = [adr.street, adr.city, adr.region, adr.code, adr.country]
            addresses.append(", ".join(_text(p) for p in parts if _text(p)))
    return [
        family,
        given,
        additional,
        _text((_values(card, "fn") or [""])[0]),
        _text(organisation),
        _text((_values(card, "title") or [""])[0]),
        ", ".join(_text(v) for v in _values(card, "tel") if _text(v)),
        ", ".join(_text(v) for v in _values(card, "email") if _text(v)),
        _text((_values(card, "bday") or [""])[0]),
        _text((_values(card, "note") or [""])[0]),
        "; ".join(a for a in addresses if a),
        _text((_values(card, "uid") or [""])[0]),
    ]


def card_rows(handle: Iterable[str]) -> Iterator[list[str]]:
    """One row per card (VCARD_HEADERS); a card vobject cannot read becomes a row whose only
    cell says so, so the report shows it instead of the whole file failing."""
    for lines in _cards(handle):
        decoded = [d for d in (_decode_line(x) for x in _unfold(lines)) if d is not None]
        try:
            card = vobject.readOne(io.StringIO("\r\n".join(decoded) + "\r\n"))
            yield card_row(card)
        except Exception:  # vobject raises many kinds on a malformed card
            yield ["", "", "", "", "", "", "", "", "", "", "", "", "\u2049 " + decoded[1][:80]]


# Writing.


def contact_card(contact, *, version: str = "3.0") -> str:
    card = vobject.vCard()
    if version == "4.0":
        card.add("version").value = "4.0"
    card.add("n").value = vobject.vcard.Name(
        family=contact.last_name, given=contact.first_name, additional=contact.middle_name
    )
    card.add("fn").value = contact.full_name or contact.last_name
    if contact.company_id:
        card.add("org").value = [contact.company.name]
    if contact.position:
        card.add("title").value = contact.position
    for phone in contact.phones:
        tel = card.add("tel")
        tel.value = phone
        if version == "4.0":
            tel.params["VALUE"] = ["uri"]
            tel.value = f"tel:{phone}"
    for email in contact.emails:
        item = card.add("email")
        item.value = email
        if version == "3.0":
            item.type_param = "INTERNET"
    if contact.birthday:
        card.add("bday").value = contact.birthday.isoformat()
    if contact.notes:
        card.add("note").value = contact.notes
    card.add("uid").value = f"voronka-contact-{contact.pk}"
    return card.serialize()


def contacts_vcf(contacts: Iterable, *, version: str = "3.0") -> Iterator[str]:
    for contact in contacts:
        yield contact_card(contact, version=version)
