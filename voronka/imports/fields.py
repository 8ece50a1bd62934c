"""What a column can become: the fields of each kind of record, the header names that suggest
them (Russian and English, as exports of other CRMs, 1C, Outlook and Google write them), and
how a cell's text becomes the field's value — with the validators the forms use."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.core import text, validators
from voronka.core.currencies import currency_choices
from voronka.core.phones import normalize_phone

from .models import Target

_SPLIT_RE = re.compile(r"[,;\n]+|\s{2,}")
_MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_TRUE = {"1", "да", "yes", "y", "true", "истина", "д", "+", "x", "х", "v", "✓"}
_FALSE = {"0", "нет", "no", "n", "false", "ложь", "-", ""}


def _parts(value: str) -> list[str]:
    return [p.strip() for p in _SPLIT_RE.split(value) if p.strip()]


def to_phones(value: str) -> list[str]:
    result = []
    for part in _parts(value):
        phone = normalize_phone(part)
        if phone not in result:
            result.append(phone)
    return result


def to_emails(value: str) -> list[str]:
    result = []
    for part in _parts(value.replace(" ", ",")):
        email = part.lower().removeprefix("mailto:")
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not an e-mail address.") % {"value": part}
            ) from None
        if email not in result:
            result.append(email)
    return result


def _checked(validator) -> Callable[[str], str]:
    def convert(value: str) -> str:
        value = text.digits(value) if value.strip() else ""
        if value:
            validator(value)
        return value

    return convert


def to_date(value: str) -> datetime.date | None:
    """31.12.2026, 31/12/2026, 2026-12-31, 31.12.26, «31 декабря 2026», Dec 31 2026; a bare
    "--12-31" or "12-31" birthday (vCard without a year) as of 1904."""
    value = value.strip().lower().rstrip("г.").strip()
    if not value:
        return None
    value = value.split(" ")[0] if re.match(r"^\d{1,4}[./-]\d", value) else value
    value = value.split("t")[0] if re.match(r"^\d{4}-\d\d-\d\dt", value) else value
    for pattern in ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y", "%d-%m-%Y", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    match = re.match(r"^-*(\d\d)-?(\d\d)$", value)
    if match:
        try:
            return datetime.date(1904, int(match.group(1)), int(match.group(2)))
        except ValueError:
            pass
    words = re.findall(r"\d+|[a-zа-яё]+", value)
    if len(words) == 3:
        day, month, year = words
        if not day.isdigit():
            month, day = day, month
        number = _MONTHS.get(month[:3])
        if number and day.isdigit() and year.isdigit():
            try:
                return datetime.date(int(year), number, int(day))
            except ValueError:
                pass
    raise ValidationError(_("“%(value)s” is not a date.") % {"value": value})


def to_datetime(value: str) -> datetime.datetime | None:
    from django.utils import timezone

    day = to_date(value)
    if day is None:
        return None
    moment = datetime.datetime.combine(day, datetime.time(12))
    return timezone.make_aware(moment)


def to_moment(value: str) -> datetime.datetime | None:
    """A date with an optional time: «31.12.2026 14:30», «2026-12-31T14:30»; noon without one."""
    from django.utils import timezone

    match = re.search(r"(\d{1,2}):(\d{2})", value)
    day = to_date(value if match is None else value[: match.start()].rstrip(" T,"))
    if day is None:
        return None
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (12, 0)
    if hour > 23 or minute > 59:
        raise ValidationError(_("“%(value)s” is not a date.") % {"value": value})
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


_KINDS = {"звонок": "call", "call": "call", "встреча": "meeting", "meeting": "meeting",
          "задача": "task", "task": "task", "заметка": "note", "note": "note",
          "письмо": "letter", "letter": "letter"}  # fmt: skip


def to_kind(value: str) -> str:
    kind = _KINDS.get(value.strip().lower())
    if kind is None:
        raise ValidationError(_("“%(value)s” is not a kind of activity.") % {"value": value})
    return kind


def to_decimal(value: str) -> Decimal | None:
    """1 234,56 · 1234.56 · 1,234.56 · 1 234 руб."""
    cleaned = re.sub(r"[^\d,.\-]", "", value.replace("\xa0", ""))
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = (
            cleaned.replace(",", "")
            if cleaned.rfind(".") > cleaned.rfind(",")
            else (cleaned.replace(".", "").replace(",", "."))
        )
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value}) from None


_CURRENCY_WORDS = {"руб": "RUB", "р": "RUB", "₽": "RUB", "тг": "KZT", "тенге": "KZT", "₸": "KZT",
                   "$": "USD", "долл": "USD", "€": "EUR", "евро": "EUR"}  # fmt: skip


def to_currency(value: str) -> str:
    word = value.strip().lower().rstrip(".")
    if not word:
        return ""
    code = _CURRENCY_WORDS.get(word, word.upper())
    if code not in {c for c, _label in currency_choices()}:
        raise ValidationError(_("“%(value)s” is not a currency we keep.") % {"value": value})
    return code


def to_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValidationError(_("“%(value)s” is neither yes nor no.") % {"value": value})


def to_text(value: str) -> str:
    return value.strip()


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    convert: Callable = to_text
    headers: tuple[str, ...] = ()
    max_length: int | None = None


# Header words are compared folded (lower case, ё = е, no punctuation).
_COMMON = {
    "phones": ("телефон", "телефоны", "тел", "phone", "phones", "tel", "мобильный телефон",
               "рабочий телефон", "mobile phone", "business phone", "мобильный", "mobile"),
    "emails": ("e mail", "email", "e mails", "emails", "почта", "электронная почта",
               "адрес эл почты", "e mail address", "email address", "e mail 1 value", "mail"),
    "external_id": ("id", "внешний id", "external id", "код", "uid", "guid", "идентификатор"),
}  # fmt: skip

FIELDS: dict[str, list[Field]] = {
    Target.CONTACT: [
        Field("full_name", gettext_lazy("full name"), headers=("фио", "full name", "fn", "name",
              "имя полностью", "контакт", "contact", "полное имя")),
        Field("last_name", gettext_lazy("last name"), headers=("фамилия", "last name",
              "surname", "family name", "n family name"), max_length=150),
        Field("first_name", gettext_lazy("first name"), headers=("имя", "first name",
              "given name", "n given name"), max_length=150),
        Field("middle_name", gettext_lazy("middle name"), headers=("отчество", "middle name",
              "additional name", "n additional names"), max_length=150),
        Field("company_name", gettext_lazy("company"), headers=("компания", "организация",
              "company", "organization", "org", "контрагент"), max_length=255),
        Field("position", gettext_lazy("position"), headers=("должность", "position",
              "job title", "title"), max_length=150),
        Field("phones", gettext_lazy("phones"), to_phones, _COMMON["phones"]),
        Field("emails", gettext_lazy("e-mails"), to_emails, _COMMON["emails"]),
        Field("birthday", gettext_lazy("birthday"), to_date, ("день рождения", "дата рождения",
              "birthday", "bday")),
        Field("notes", gettext_lazy("notes"), headers=("заметки", "примечание", "комментарий",
              "notes", "note")),
        Field("mailing_consent", gettext_lazy("agrees to mailings"), to_bool,
              ("согласие на рассылку", "рассылка", "mailing consent")),
        Field("external_id", gettext_lazy("external id"), headers=_COMMON["external_id"],
              max_length=100),
    ],
    Target.COMPANY: [
        Field("name", gettext_lazy("company name"), headers=("название", "наименование",
              "компания", "организация", "company", "name", "company name", "контрагент"),
              max_length=255),
        Field("inn", gettext_lazy("INN"), _checked(validators.validate_inn), ("инн", "inn")),
        Field("kpp", gettext_lazy("KPP"), headers=("кпп", "kpp"), max_length=9),
        Field("ogrn", gettext_lazy("OGRN"), _checked(validators.validate_ogrn), ("огрн",
              "огрнип", "ogrn")),
        Field("bin", gettext_lazy("BIN"), _checked(validators.validate_bin), ("бин", "bin")),
        Field("phones", gettext_lazy("phones"), to_phones, _COMMON["phones"]),
        Field("emails", gettext_lazy("e-mails"), to_emails, _COMMON["emails"]),
        Field("website", gettext_lazy("website"), headers=("сайт", "website", "web", "url",
              "веб сайт"), max_length=300),
        Field("industry", gettext_lazy("industry"), headers=("отрасль", "industry",
              "сфера деятельности"), max_length=150),
        Field("region", gettext_lazy("region"), headers=("регион", "область", "region"),
              max_length=150),
        Field("city", gettext_lazy("city"), headers=("город", "city", "населенный пункт"),
              max_length=150),
        Field("address", gettext_lazy("address"), headers=("адрес", "address",
              "юридический адрес", "фактический адрес")),
        Field("description", gettext_lazy("description"), headers=("описание", "примечание",
              "комментарий", "description", "notes")),
        Field("is_customer", gettext_lazy("customer"), to_bool, ("клиент", "customer")),
        Field("is_supplier", gettext_lazy("supplier"), to_bool, ("поставщик", "supplier")),
        Field("external_id", gettext_lazy("external id"), headers=_COMMON["external_id"],
              max_length=100),
    ],
    Target.LEAD: [
        Field("person_name", gettext_lazy("person"), headers=("фио", "имя", "контакт",
              "контактное лицо", "person", "name", "full name"), max_length=255),
        Field("company_name", gettext_lazy("company name as typed"), headers=("компания",
              "организация", "company", "organization"), max_length=255),
        Field("phone", gettext_lazy("phone"), lambda v: (to_phones(v) or [""])[0],
              _COMMON["phones"]),
        Field("email", gettext_lazy("e-mail"), lambda v: (to_emails(v) or [""])[0],
              _COMMON["emails"]),
        Field("question", gettext_lazy("what was asked"), headers=("вопрос", "запрос",
              "комментарий", "question", "request", "message", "сообщение")),
        Field("source", gettext_lazy("source"), headers=("источник", "source"), max_length=150),
        Field("requested_at", gettext_lazy("date of the request"), to_datetime, ("дата",
              "дата обращения", "дата заявки", "date", "requested at")),
        Field("external_id", gettext_lazy("external id"), headers=_COMMON["external_id"],
              max_length=100),
    ],
    Target.DEAL: [
        Field("name", gettext_lazy("deal name"), headers=("сделка", "название сделки",
              "название", "наименование", "deal", "deal name", "name"), max_length=255),
        Field("company_name", gettext_lazy("company"), headers=("компания", "организация",
              "контрагент", "клиент", "company", "account"), max_length=255),
        Field("amount", gettext_lazy("amount"), to_decimal, ("сумма", "бюджет", "amount",
              "value", "сумма сделки")),
        Field("currency", gettext_lazy("currency"), to_currency, ("валюта", "currency")),
        Field("stage", gettext_lazy("stage"), headers=("этап", "стадия", "stage"),
              max_length=150),
        Field("expected_close_date", gettext_lazy("expected close date"), to_date,
              ("дата закрытия", "ожидаемая дата закрытия", "close date", "expected close date")),
        Field("external_id", gettext_lazy("external id"), headers=_COMMON["external_id"],
              max_length=100),
    ],
    Target.ACTIVITY: [
        Field("subject", gettext_lazy("subject"), headers=("тема", "мероприятие", "subject",
              "название", "задача"), max_length=255),
        Field("kind", gettext_lazy("kind"), to_kind, ("вид", "тип", "kind", "type")),
        Field("due_at", gettext_lazy("date and time"), to_moment, ("дата", "срок",
              "дата и время", "когда", "date", "due", "due date")),
        Field("done", gettext_lazy("done"), to_bool, ("выполнено", "выполнена", "done")),
        Field("company_name", gettext_lazy("company"), headers=("компания", "организация",
              "контрагент", "клиент", "company"), max_length=255),
        Field("purpose", gettext_lazy("purpose"), headers=("цель", "описание", "комментарий",
              "purpose", "description")),
        Field("outcome_note", gettext_lazy("outcome note"), headers=("результат", "итог",
              "outcome", "result")),
        Field("external_id", gettext_lazy("external id"), headers=_COMMON["external_id"],
              max_length=100),
    ],
}  # fmt: skip


def fields_of(target: str) -> dict[str, Field]:
    return {f.name: f for f in FIELDS[target]}


def _key(header: str) -> str:
    return " ".join(text.words(header.replace("_", " ").replace(":", " ")))


def suggest(target: str, headers: list[str]) -> dict[str, str]:
    """Column index (as text) → field name, by the header's words; each field once."""
    by_header: dict[str, str] = {}
    for field in FIELDS[target]:
        for header in field.headers:
            by_header.setdefault(_key(header), field.name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        name = by_header.get(_key(header))
        if name and name not in used:
            mapping[str(index)] = name
            used.add(name)
    return mapping


def convert(field: Field, value: str):
    value = value.strip()
    if field.max_length and len(value) > field.max_length:
        raise ValidationError(
            _("%(field)s: at most %(limit)s characters.")
            % {"field": field.label, "limit": field.max_length}
        )
    return field.convert(value)
