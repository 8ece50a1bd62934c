"""Search that folds Cyrillic the same way on SQLite and PostgreSQL.

Each searchable model has a token table (`CompanySearchToken`, …): one row per folded word
of its name, per e-mail, per phone (as digits) and per tax id. A query is split into terms and
a record matches when every term is the prefix of one of its tokens. Prefix lookups on an
indexed column stay fast at millions of rows, where `LIKE '%…%'` would read the whole table.

Services call `reindex(record)` after every write; bulk loaders call `tokens_for()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import text
from .phones import phone_query_digits, phone_search_digits


class TokenKind(models.IntegerChoices):
    WORD = 1, _("word")
    EMAIL = 2, _("e-mail")
    PHONE = 3, _("phone")
    TAX_ID = 4, _("tax id")


class SearchTokenBase(models.Model):
    """A concrete subclass adds `record = ForeignKey(<model>, related_name="search_tokens")`."""

    token = models.CharField(max_length=text.TOKEN_MAX_LENGTH)
    kind = models.PositiveSmallIntegerField(choices=TokenKind.choices)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.token


def token_indexes(prefix: str) -> list[models.Index]:
    """Indexes for a token table: prefix search by token, exact search by kind and token."""
    return [
        # varchar_pattern_ops lets PostgreSQL answer LIKE 'abc%' from the index whatever the
        # database collation; other databases ignore opclasses.
        models.Index(
            fields=["token", "record"],
            name=f"{prefix}_token_idx",
            opclasses=["varchar_pattern_ops", "int8_ops"],
        ),
    ]


def tokens_for(
    *,
    names: Iterable[str] = (),
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    tax_ids: Iterable[str] = (),
) -> set[tuple[int, str]]:
    tokens: set[tuple[int, str]] = set()
    for name in names:
        tokens.update((TokenKind.WORD, w) for w in text.words(name))
    for email in emails:
        email = text.fold(email)
        if not email:
            continue
        tokens.add((TokenKind.EMAIL, email[: text.TOKEN_MAX_LENGTH]))
        local, _sep, domain = email.partition("@")
        # Words of the local part and the domain as one token: "kz", "com", "mail" would
        # each be a token of a third of all records and make every such search slow.
        tokens.update((TokenKind.WORD, w) for w in text.words(local))
        if domain:
            tokens.add((TokenKind.WORD, domain[: text.TOKEN_MAX_LENGTH]))
    for phone in phones:
        tokens.update((TokenKind.PHONE, d) for d in phone_search_digits(phone) if d)
    for tax_id in tax_ids:
        if tax_id:
            tokens.add((TokenKind.TAX_ID, text.fold(tax_id)[: text.TOKEN_MAX_LENGTH]))
    return tokens


def token_model(model: type[models.Model]) -> type[SearchTokenBase]:
    return model._meta.get_field("search_tokens").related_model


def reindex(record: models.Model) -> None:
    """Replace a record's tokens with those of its current values."""
    tokens_model = token_model(type(record))
    wanted = record.search_tokens_wanted()
    existing = set(tokens_model.objects.filter(record=record).values_list("kind", "token"))
    if existing == wanted:
        return
    tokens_model.objects.filter(record=record).delete()
    tokens_model.objects.bulk_create(
        [tokens_model(record=record, kind=kind, token=token) for kind, token in wanted]
    )


def search_terms(query: str) -> list[list[str]]:
    """What a query must match: a list of terms, each a list of alternative prefixes.

    Digits typed like a phone number may also be a tax id, so "8 701 123 45 67" is looked up
    as the phone "77011234567" and as the plain digits.
    """
    query = (query or "").strip()
    if text.looks_like_phone(query):
        plain = text.digits(query)[: text.TOKEN_MAX_LENGTH]
        phone = phone_query_digits(query)[: text.TOKEN_MAX_LENGTH]
        return [sorted({plain, phone})]
    return [[term] for term in text.query_terms(query)]


def apply_search(queryset: QuerySet, query: str) -> QuerySet:
    """Keep the records in which every term of the query starts one of the tokens."""
    if not (query or "").strip():
        return queryset
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    tokens_model = token_model(queryset.model)
    for alternatives in terms:
        condition = Q()
        for prefix in alternatives:
            condition |= Q(token__prefix=prefix)
        matching = tokens_model.objects.filter(condition).values("record_id")
        queryset = queryset.filter(pk__in=matching)
    return queryset


def find_exact(model: type[models.Model], kind: int, values: Iterable[str]) -> QuerySet:
    """Records holding exactly one of these e-mails / phones / tax ids (for duplicates)."""
    tokens_model = token_model(model)
    values = [v for v in values if v]
    if not values:
        return model.objects.none()
    ids = tokens_model.objects.filter(kind=kind, token__in=values).values("record_id")
    return model.objects.filter(pk__in=ids)


def duplicate_keys(
    *, emails: Iterable[str] = (), phones: Iterable[str] = (), tax_ids: Iterable[str] = ()
) -> dict[int, list[str]]:
    """The exact tokens that identify a record, by kind."""
    keys: dict[int, list[str]] = {TokenKind.EMAIL: [], TokenKind.PHONE: [], TokenKind.TAX_ID: []}
    for kind, token in tokens_for(emails=emails, tax_ids=tax_ids):
        if kind in keys:
            keys[kind].append(token)
    for phone in phones:
        digits = phone_search_digits(phone)
        if digits:
            keys[TokenKind.PHONE].append(digits[0])
    return keys
