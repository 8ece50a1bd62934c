"""Letter templates: placeholders like «{{ контакт.имя }}» filled from a whitelist, nothing else.

This is not Django's template language on purpose: a template written by any user must not
load tag libraries, include files, print debug information or walk from a contact to its
owner to the settings. Here a placeholder is one of the names below, and anything else — a
tag (`{% … %}`), a comment tag, an unknown name, a filter — is refused with a message that
says which part is wrong. Russian names are what the editor offers; the English ones work
the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_TAG = re.compile(r"\{%|%\}|\{#|#\}")


@dataclass(frozen=True)
class Field:
    russian: str
    english: str
    label: object


FIELDS = [
    Field("контакт.имя", "contact.first_name", gettext_lazy("contact: first name")),
    Field("контакт.фамилия", "contact.last_name", gettext_lazy("contact: last name")),
    Field("контакт.отчество", "contact.middle_name", gettext_lazy("contact: middle name")),
    Field(
        "контакт.имя_отчество",
        "contact.first_and_middle_name",
        gettext_lazy("contact: first and middle name"),
    ),
    Field("контакт.полное_имя", "contact.full_name", gettext_lazy("contact: full name")),
    Field("контакт.должность", "contact.position", gettext_lazy("contact: position")),
    Field("контакт.email", "contact.email", gettext_lazy("contact: e-mail")),
    Field("компания.название", "company.name", gettext_lazy("company: name")),
    Field("компания.город", "company.city", gettext_lazy("company: city")),
    Field("сделка.название", "deal.name", gettext_lazy("deal: name")),
    Field("сделка.сумма", "deal.amount", gettext_lazy("deal: amount")),
    Field("сделка.валюта", "deal.currency", gettext_lazy("deal: currency")),
    Field("сделка.этап", "deal.stage", gettext_lazy("deal: stage")),
    Field("отправитель.имя", "sender.first_name", gettext_lazy("sender: first name")),
    Field("отправитель.фамилия", "sender.last_name", gettext_lazy("sender: last name")),
    Field("отправитель.полное_имя", "sender.full_name", gettext_lazy("sender: full name")),
    Field("отправитель.должность", "sender.position", gettext_lazy("sender: position")),
    Field("отправитель.телефон", "sender.phone", gettext_lazy("sender: phone")),
    Field("отправитель.email", "sender.email", gettext_lazy("sender: e-mail")),
]
_BY_NAME = {f.russian: f for f in FIELDS} | {f.english: f for f in FIELDS}


def _names(text: str) -> list[str]:
    return [" ".join(match.split()) for match in _PLACEHOLDER.findall(text or "")]


def check(text: str) -> None:
    """Refuse (ValidationError) a template that is anything but text and known placeholders."""
    if _TAG.search(text or ""):
        raise ValidationError(
            _(
                "Template tags ({%% … %%}) are not allowed: only placeholders like "
                "{{ контакт.имя }}."
            ),
            code="tag",
        )
    unknown = [name for name in _names(text) if name not in _BY_NAME]
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Choose one from the list.")
            % {"names": ", ".join(f"{{{{ {name} }}}}" for name in dict.fromkeys(unknown))},
            code="unknown",
        )
    leftover = _PLACEHOLDER.sub("", text or "")
    if "{{" in leftover or "}}" in leftover:
        raise ValidationError(_("A placeholder is not closed: write {{ name }}."), code="open")


def _money(value) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True) if value is not None else ""


def values(*, contact=None, company=None, deal=None, sender=None) -> dict[str, str]:
    """The values of the whitelist for these records (empty where there is no record)."""
    company = company or (contact.company if contact is not None else None)
    company = company or (deal.company if deal is not None else None)
    contact = contact or (deal.contact if deal is not None else None)
    found = {
        "contact.first_name": contact.first_name if contact else "",
        "contact.last_name": contact.last_name if contact else "",
        "contact.middle_name": contact.middle_name if contact else "",
        "contact.first_and_middle_name": " ".join(
            p for p in (contact.first_name, contact.middle_name) if p
        )
        if contact
        else "",
        "contact.full_name": contact.full_name if contact else "",
        "contact.position": contact.position if contact else "",
        "contact.email": (contact.emails or [""])[0] if contact else "",
        "company.name": company.name if company else "",
        "company.city": company.city if company else "",
        "deal.name": deal.name if deal else "",
        "deal.amount": _money(deal.amount) if deal else "",
        "deal.currency": deal.currency if deal else "",
        "deal.stage": deal.stage.name if deal else "",
        "sender.first_name": sender.first_name if sender else "",
        "sender.last_name": sender.last_name if sender else "",
        "sender.full_name": sender.display_name if sender else "",
        "sender.position": sender.position if sender else "",
        "sender.phone": sender.phone if sender else "",
        "sender.email": sender.email if sender else "",
    }
    return {f.russian: found[f.english] for f in FIELDS} | found


def render(text: str, context: dict[str, str]) -> str:
    """The text with its placeholders filled; refuses what `check` refuses."""
    check(text)
    return _PLACEHOLDER.sub(lambda m: str(context.get(" ".join(m.group(1).split()), "")), text)
