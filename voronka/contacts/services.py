"""Writes to the customer database. Pages, the API and jobs all come through here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.deletion import delete_record
from voronka.audit.models import Verb
from voronka.audit.records import FieldChange, create_record, update_record
from voronka.audit.services import record_event
from voronka.core import search
from voronka.core.errors import DuplicatesFound
from voronka.core.search import TokenKind

from .models import Company, Contact


def _check_owner(*, actor: User, entity: str, owner: User) -> None:
    if not access.can_assign(actor, entity, owner):
        raise ValidationError(
            {"owner": _("You may not make this user the owner of a record.")}, code="owner"
        )


def _check_create(actor: User, entity: str) -> None:
    if not access.can_create(actor, entity):
        raise PermissionDenied(_("You may not create records here."))


def _owner_changes_checked(actor: User, entity: str):
    def check(record: models.Model, changes: list[FieldChange]) -> list[FieldChange]:
        if any(c.field == "owner" for c in changes):
            _check_owner(actor=actor, entity=entity, owner=record.owner)
        return []

    return check


def _duplicates(model: type[models.Model], *, record, exclude_pk=None) -> list[models.Model]:
    keys = search.duplicate_keys(
        emails=record.emails, phones=record.phones, tax_ids=getattr(record, "tax_ids", [])
    )
    found: dict[int, models.Model] = {}
    for kind in (TokenKind.TAX_ID, TokenKind.EMAIL, TokenKind.PHONE):
        qs = search.find_exact(model, kind, keys[kind]).select_related("owner")
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        for match in qs[:20]:
            found.setdefault(match.pk, match)
    return list(found.values())


def company_duplicates(*, company: Company) -> list[Company]:
    """Companies that share an e-mail, phone or tax id (ИНН, ОГРН, БИН) with this one."""
    company.clean()
    return _duplicates(Company, record=company, exclude_pk=company.pk)


def contact_duplicates(*, contact: Contact) -> list[Contact]:
    """Contacts that share an e-mail or phone with this one."""
    contact.clean()
    return _duplicates(Contact, record=contact, exclude_pk=contact.pk)


def company_create(*, actor: User, data: dict[str, Any], allow_duplicates: bool = False) -> Company:
    _check_create(actor, Entity.COMPANY)
    data = {"owner": actor, **data}
    company = Company(**data)
    _check_owner(actor=actor, entity=Entity.COMPANY, owner=company.owner)
    company.full_clean()
    if not allow_duplicates:
        duplicates = company_duplicates(company=company)
        if duplicates:
            raise DuplicatesFound(duplicates)
    with transaction.atomic():
        company = create_record(company)
        record_event(verb=Verb.CREATED, actor=actor, record=company)
    return company


def company_update(
    *, actor: User, company: Company, data: dict[str, Any], version: int | None
) -> Company:
    company, _changes = update_record(
        company,
        data,
        actor=actor,
        version=version,
        before_save=_owner_changes_checked(actor, Entity.COMPANY),
    )
    return company


def company_delete(*, actor: User, company: Company) -> None:
    access.require(actor, access.Action.DELETE, company)
    with transaction.atomic():
        delete_record(actor=actor, record=company)


def contact_create(*, actor: User, data: dict[str, Any], allow_duplicates: bool = False) -> Contact:
    _check_create(actor, Entity.CONTACT)
    data = {"owner": actor, **data}
    contact = Contact(**data)
    _check_owner(actor=actor, entity=Entity.CONTACT, owner=contact.owner)
    access.require_links(actor, company=contact.company)
    contact.full_clean()
    if not allow_duplicates:
        duplicates = contact_duplicates(contact=contact)
        if duplicates:
            raise DuplicatesFound(duplicates)
    with transaction.atomic():
        contact = create_record(contact)
        record_event(verb=Verb.CREATED, actor=actor, record=contact, company=contact.company)
    return contact


def contact_update(
    *, actor: User, contact: Contact, data: dict[str, Any], version: int | None
) -> Contact:
    check_owner = _owner_changes_checked(actor, Entity.CONTACT)

    def before_save(record: Contact, changes: list[FieldChange]) -> list[FieldChange]:
        if any(c.field == "company" for c in changes):
            access.require_links(actor, company=record.company)
        return check_owner(record, changes)

    contact, _changes = update_record(
        contact, data, actor=actor, version=version, before_save=before_save
    )
    return contact


def contact_delete(*, actor: User, contact: Contact) -> None:
    access.require(actor, access.Action.DELETE, contact)
    with transaction.atomic():
        delete_record(actor=actor, record=contact, company=contact.company)
