"""Finding probable duplicates of companies and people: by e-mail, phone, tax id (exact, from
the search-token tables) and by name after normalising («ООО “Ромашка”» = «Ромашка»).

Shared by the lead conversion, the duplicates page and imports: each asks "which records
look like this one?" with the values it has, before anything is saved. These functions do
not apply the access rules; the caller decides what a user is told (`access.disclosed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count

from voronka.core import search, text
from voronka.core.phones import normalize_phone
from voronka.core.search import TokenKind

from .models import Company, Contact

# Legal forms dropped from a company's name before names are compared: Russian, Kazakh and
# English, as written in registers and as people type them.
LEGAL_FORMS = frozenset(
    {
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "нао",
        "тоо",
        "ип",
        "чп",
        "гу",
        "кгп",
        "llc",
        "llp",
        "ltd",
        "inc",
        "jsc",
        "gmbh",
        "corp",
        "co",
    }
)
_QUOTES_RE = re.compile(r"[\"'«»“”„‘’`]")

# How many candidates one key may bring; a key shared by more is not evidence of anything.
CANDIDATES_PER_KEY = 20


def normalize_name(name: str) -> str:
    """A company's name as it is compared: no legal form, quotes, punctuation or case; ё = е.

    «ООО “Ромашка”», «ромашка, тоо» and «Ромашка LLC» all give "ромашка"."""
    words = text.words(_QUOTES_RE.sub(" ", name or ""))
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def normalize_person(*parts: str) -> str:
    """A person's name as it is compared: folded words in alphabetical order (a name may be
    typed «Иван Петров» or «Петров Иван»)."""
    return " ".join(sorted(w for part in parts for w in text.words(part)))


def clean_phones(phones: Iterable[str]) -> list[str]:
    """The phones that parse (E.164); what does not parse cannot match anything."""
    result = []
    for phone in phones:
        try:
            result.append(normalize_phone(phone))
        except ValidationError:
            continue
    return result


def clean_emails(emails: Iterable[str]) -> list[str]:
    return [e.strip().lower() for e in emails if e and "@" in e]


def _exact(model, *, emails=(), phones=(), tax_ids=(), exclude=()) -> dict[int, set[str]]:
    """Record ids sharing an e-mail, phone or tax id, each with why ("email", "phone", …)."""
    keys = search.duplicate_keys(
        emails=clean_emails(emails), phones=clean_phones(phones), tax_ids=tax_ids
    )
    reasons = {TokenKind.EMAIL: "email", TokenKind.PHONE: "phone", TokenKind.TAX_ID: "tax_id"}
    found: dict[int, set[str]] = {}
    tokens = search.token_model(model).objects
    for kind, values in keys.items():
        values = [v for v in values if v]
        if not values:
            continue
        ids = (
            tokens.filter(kind=kind, token__in=values)
            .exclude(record_id__in=list(exclude))
            .values_list("record_id", flat=True)
            .distinct()[:CANDIDATES_PER_KEY]
        )
        for pk in ids:
            found.setdefault(pk, set()).add(reasons[kind])
    return found


def _by_name(model, queryset, key: str, label, exclude=()) -> dict[int, set[str]]:
    """Records whose normalised name equals `key`: the word tokens narrow, Python compares."""
    if not key:
        return {}
    candidates = search.apply_search(queryset, key).exclude(pk__in=list(exclude))
    found = {}
    for record in candidates[: CANDIDATES_PER_KEY * 5]:
        if label(record) == key:
            found[record.pk] = {"name"}
    return found


@dataclass
class Match:
    record: models.Model
    reasons: set[str] = field(default_factory=set)


def _matches(model, found: dict[int, set[str]]) -> list[Match]:
    records = model.objects.select_related("owner").in_bulk(list(found))
    order = {"tax_id": 0, "email": 1, "phone": 2, "name": 3}
    matches = [Match(records[pk], reasons) for pk, reasons in found.items() if pk in records]
    matches.sort(key=lambda m: (min(order[r] for r in m.reasons), -len(m.reasons), m.record.pk))
    return matches


def _merge(into: dict[int, set[str]], more: dict[int, set[str]]) -> None:
    for pk, reasons in more.items():
        into.setdefault(pk, set()).update(reasons)


def company_matches(
    *,
    name: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    tax_ids: Iterable[str] = (),
    exclude: Iterable[int] = (),
) -> list[Match]:
    """Companies that look like one with these values: same tax id, e-mail or phone, or the
    same name after normalising. The strongest evidence first."""
    exclude = [pk for pk in exclude if pk]
    found = _exact(Company, emails=emails, phones=phones, tax_ids=tax_ids, exclude=exclude)
    _merge(
        found,
        _by_name(
            Company,
            Company.objects.all(),
            normalize_name(name),
            lambda c: normalize_name(c.name),
            exclude,
        ),
    )
    return _matches(Company, found)


def contact_matches(
    *,
    name: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    exclude: Iterable[int] = (),
) -> list[Match]:
    """People who look like one with these values: same e-mail or phone, or the same full
    name (in any order of its words)."""
    exclude = [pk for pk in exclude if pk]
    found = _exact(Contact, emails=emails, phones=phones, exclude=exclude)
    key = normalize_person(name)
    if len(key.split()) >= 2:  # a bare first name is no evidence
        _merge(
            found,
            _by_name(
                Contact,
                Contact.objects.all(),
                key,
                lambda c: normalize_person(c.last_name, c.first_name, c.middle_name),
                exclude,
            ),
        )
    return _matches(Contact, found)


# The duplicates page: groups of records that share a key.

GROUPS_LIMIT = 50


@dataclass
class Group:
    reason: str  # "email", "phone", "tax_id" or "name"
    key: str
    records: list = field(default_factory=list)
    # Every (reason, key) the same records share: one pair is listed once.
    matches: list[tuple[str, str]] = field(default_factory=list)


def _token_groups(model, visible_ids: models.QuerySet, limit: int) -> list[Group]:
    """E-mails, phones and tax ids held by more than one of the visible records."""
    tokens = search.token_model(model).objects.filter(
        kind__in=[TokenKind.EMAIL, TokenKind.TAX_ID, TokenKind.PHONE],
        record_id__in=visible_ids,
    )
    shared = list(
        tokens.values("kind", "token")
        .annotate(n=Count("record_id", distinct=True))
        .filter(n__gt=1)
        .order_by("kind", "token")[: limit * 2]
    )
    reasons = {TokenKind.EMAIL: "email", TokenKind.PHONE: "phone", TokenKind.TAX_ID: "tax_id"}
    groups, seen = [], set()
    for row in shared:
        ids = frozenset(
            tokens.filter(kind=row["kind"], token=row["token"]).values_list("record_id", flat=True)
        )
        # A phone is indexed whole and by its national part: one pair, one group.
        if ids in seen:
            continue
        seen.add(ids)
        groups.append(Group(reasons[row["kind"]], row["token"], sorted(ids)))
        if len(groups) >= limit:
            break
    return groups


def _name_groups(rows: Iterable[tuple[int, str]], limit: int) -> list[Group]:
    by_key: dict[str, list[int]] = {}
    for pk, key in rows:
        if key:
            by_key.setdefault(key, []).append(pk)
    groups = [Group("name", key, sorted(ids)) for key, ids in by_key.items() if len(ids) > 1]
    groups.sort(key=lambda g: g.key)
    return groups[:limit]


def _combined(groups: list[Group]) -> list[Group]:
    """Groups of the same records (a pair with the same phone and name) as one."""
    by_ids: dict[frozenset, Group] = {}
    for group in groups:
        key = frozenset(group.records)
        if key in by_ids:
            by_ids[key].matches.append((group.reason, group.key))
        else:
            group.matches = [(group.reason, group.key)]
            by_ids[key] = group
    return list(by_ids.values())


def _attach(model, groups: list[Group]) -> list[Group]:
    groups = _combined(groups)
    ids = {pk for g in groups for pk in g.records}
    records = model.objects.select_related("owner").in_bulk(list(ids))
    for group in groups:
        group.records = [records[pk] for pk in group.records if pk in records]
    return [g for g in groups if len(g.records) > 1]


def company_groups(visible: models.QuerySet, *, limit: int = GROUPS_LIMIT) -> list[Group]:
    """Probable duplicate companies among `visible` (the user's): shared keys, then names.

    Names are compared in Python over the visible companies' names only (one column read
    in a stream): normalising «ООО», quotes and case is not something SQL does portably."""
    groups = _token_groups(Company, visible.values("pk"), limit)
    names = (
        (pk, normalize_name(name))
        for pk, name in visible.order_by().values_list("pk", "name").iterator(chunk_size=5000)
    )
    groups += _name_groups(names, limit)
    return _attach(Company, groups)


def contact_groups(visible: models.QuerySet, *, limit: int = GROUPS_LIMIT) -> list[Group]:
    """Probable duplicate people among `visible`: shared e-mails and phones, then full names."""
    groups = _token_groups(Contact, visible.values("pk"), limit)
    names = (
        (pk, key if len(key.split()) >= 2 else "")
        for pk, key in (
            (pk, normalize_person(last, first, middle))
            for pk, last, first, middle in visible.order_by()
            .values_list("pk", "last_name", "first_name", "middle_name")
            .iterator(chunk_size=5000)
        )
    )
    groups += _name_groups(names, limit)
    return _attach(Contact, groups)
