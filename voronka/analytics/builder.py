"""The report builder: reports over companies, contacts, deals or activities made of
whitelisted fields only, run on the ORM through the access layer with the rights of whoever
runs them.

A report's definition (`SavedReport.spec`):

    {"columns": ["name", "stage", "amount"],                 # flat rows: these fields
     "filters": [{"field": "company_region", "op": "contains", "value": "Алматы"}],
     "group_by": ["owner", "stage"],                        # up to two levels, or none
     "aggregate": {"fn": "sum", "field": "amount"},         # count / sum / avg
     "sort": "-value",                                      # a column, or value / group
     "chart": "bar"}                                        # bar / line / pie / ""

Every key is checked against the entity's `FIELDS`: a field is an ORM path chosen here, never
taken from the input, so no path the builder does not list (a password, another model) can be
reached, and no SQL is assembled from what a user types.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, CharField, Count, F, Func, QuerySet, Sum, Value
from django.db.models.functions import Concat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.activities.models import Activity, ActivityKind, OutcomeKind
from voronka.contacts.models import AbcClass, Company, Contact, RelationshipStage, XyzClass
from voronka.core import bounds
from voronka.sales.models import DealType, Pipeline, Stage, StageKind
from voronka.sales.selectors import deals_visible_to

TEXT, NUMBER, DATE, CHOICE, BOOL = "text", "number", "date", "choice", "bool"
OPERATORS = {
    TEXT: ["contains", "equals", "empty", "not_empty"],
    NUMBER: ["equals", "gte", "lte"],
    DATE: ["gte", "lte"],
    CHOICE: ["equals"],
    BOOL: ["equals"],
}
OPERATOR_LABELS = {
    "contains": gettext_lazy("contains"),
    "equals": gettext_lazy("is"),
    "empty": gettext_lazy("is empty"),
    "not_empty": gettext_lazy("is filled"),
    "gte": gettext_lazy("from (≥)"),
    "lte": gettext_lazy("to (≤)"),
}
AGGREGATES = {
    "count": gettext_lazy("count"),
    "sum": gettext_lazy("sum"),
    "avg": gettext_lazy("average"),
}
CHARTS = {
    "": gettext_lazy("no chart"),
    "bar": gettext_lazy("bars"),
    "line": gettext_lazy("line"),
    "pie": gettext_lazy("pie"),
}
MAX_GROUPS = 500
# A number filter has at most this many digits, two of them after the point: more than any
# amount or quantity column holds, and exact in every database's comparison.
NUMBER_DIGITS = 18
PAGE_SIZE = 50


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    path: str  # the ORM path, or the name of an expression in `expression`
    type: str = TEXT
    choices: tuple = ()
    expression: object = None  # e.g. a manager's full name
    # Grouped by this id instead (an integer groups faster than a joined name), the names
    # then looked up by `names(ids)` in one query.
    group_key: str = ""
    names: object = None

    @property
    def groupable(self) -> bool:
        return self.type in (TEXT, CHOICE, BOOL, DATE)

    @property
    def summable(self) -> bool:
        return self.type == NUMBER


def _person(prefix: str):
    return Concat(
        F(f"{prefix}__first_name"),
        Value(" "),
        F(f"{prefix}__last_name"),
        output_field=CharField(),
    )


def _user_names(ids) -> dict:
    return {user.pk: user.display_name for user in User.objects.filter(pk__in=ids)}


def _names_of(model):
    def names(ids) -> dict:
        return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))

    return names


def _owner_fields(prefix: str = "owner") -> list[Field]:
    return [
        Field(
            "owner",
            gettext_lazy("Owner"),
            "owner_name",
            expression=_person(prefix),
            group_key=f"{prefix}_id",
            names=_user_names,
        ),
        Field("owner_team", gettext_lazy("Owner's team"), f"{prefix}__team__name"),
    ]


def _company_fields(prefix: str) -> list[Field]:
    label = gettext_lazy("Company")
    return [
        Field(f"{prefix}_name", label, f"{prefix}__name"),
        Field(f"{prefix}_region", gettext_lazy("Company's region"), f"{prefix}__region"),
        Field(f"{prefix}_city", gettext_lazy("Company's city"), f"{prefix}__city"),
        Field(f"{prefix}_industry", gettext_lazy("Company's industry"), f"{prefix}__industry"),
        Field(
            f"{prefix}_abc",
            gettext_lazy("Company's ABC class"),
            f"{prefix}__abc_class",
            CHOICE,
            tuple(AbcClass.choices),
        ),
        Field(
            f"{prefix}_stage",
            gettext_lazy("Company's relationship stage"),
            f"{prefix}__relationship_stage",
            CHOICE,
            tuple(RelationshipStage.choices),
        ),
    ]


@dataclass(frozen=True)
class Entity:
    label: str
    fields: tuple[Field, ...]
    default_columns: tuple[str, ...]

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def base(self, user) -> QuerySet:
        raise NotImplementedError


class _Deals(Entity):
    def base(self, user) -> QuerySet:
        return deals_visible_to(user=user)


class _Companies(Entity):
    def base(self, user) -> QuerySet:
        return access.visible(user, Company.objects.all())


class _Contacts(Entity):
    def base(self, user) -> QuerySet:
        return access.visible(user, Contact.objects.all())


class _Activities(Entity):
    def base(self, user) -> QuerySet:
        return access.visible(user, Activity.objects.all())


ENTITIES: dict[str, Entity] = {
    "deals": _Deals(
        gettext_lazy("Deals"),
        (
            Field("name", gettext_lazy("Deal"), "name"),
            Field(
                "pipeline",
                gettext_lazy("Pipeline"),
                "pipeline__name",
                group_key="pipeline_id",
                names=_names_of(Pipeline),
            ),
            Field(
                "stage",
                gettext_lazy("Stage"),
                "stage__name",
                group_key="stage_id",
                names=_names_of(Stage),
            ),
            Field(
                "status", gettext_lazy("Status"), "stage__kind", CHOICE, tuple(StageKind.choices)
            ),
            Field("amount", gettext_lazy("Amount"), "amount", NUMBER),
            Field("currency", gettext_lazy("Currency"), "currency"),
            Field("quantity", gettext_lazy("Quantity"), "quantity", NUMBER),
            Field("probability", gettext_lazy("Probability, %"), "probability", NUMBER),
            Field(
                "expected_close", gettext_lazy("Expected close date"), "expected_close_date", DATE
            ),
            Field("created", gettext_lazy("Created"), "created_at__date", DATE),
            Field("closed", gettext_lazy("Closed"), "closed_at__date", DATE),
            Field("type", gettext_lazy("Type"), "type", CHOICE, tuple(DealType.choices)),
            Field("lead_source", gettext_lazy("Lead source"), "lead_source__name"),
            Field("direction", gettext_lazy("Project / direction"), "direction__name"),
            Field("lost_reason", gettext_lazy("Lost reason"), "lost_reason__name"),
            *_owner_fields(),
            *_company_fields("company"),
        ),
        ("name", "company_name", "stage", "amount", "currency", "owner"),
    ),
    "companies": _Companies(
        gettext_lazy("Companies"),
        (
            Field("name", gettext_lazy("Company"), "name"),
            Field("region", gettext_lazy("Region"), "region"),
            Field("city", gettext_lazy("City"), "city"),
            Field("industry", gettext_lazy("Industry"), "industry"),
            Field("is_customer", gettext_lazy("Customer"), "is_customer", BOOL),
            Field("is_supplier", gettext_lazy("Supplier"), "is_supplier", BOOL),
            Field("abc", gettext_lazy("ABC class"), "abc_class", CHOICE, tuple(AbcClass.choices)),
            Field("xyz", gettext_lazy("XYZ class"), "xyz_class", CHOICE, tuple(XyzClass.choices)),
            Field(
                "stage",
                gettext_lazy("Relationship stage"),
                "relationship_stage",
                CHOICE,
                tuple(RelationshipStage.choices),
            ),
            Field("created", gettext_lazy("Created"), "created_at__date", DATE),
            *_owner_fields(),
        ),
        ("name", "city", "abc", "stage", "owner"),
    ),
    "contacts": _Contacts(
        gettext_lazy("Contacts"),
        (
            Field("last_name", gettext_lazy("Last name"), "last_name"),
            Field("first_name", gettext_lazy("First name"), "first_name"),
            Field("position", gettext_lazy("Position"), "position"),
            Field("mailing_consent", gettext_lazy("Agrees to mailings"), "mailing_consent", BOOL),
            Field("birthday", gettext_lazy("Birthday"), "birthday", DATE),
            Field("created", gettext_lazy("Created"), "created_at__date", DATE),
            *_owner_fields(),
            *_company_fields("company"),
        ),
        ("last_name", "first_name", "company_name", "position", "owner"),
    ),
    "activities": _Activities(
        gettext_lazy("Activities"),
        (
            Field("subject", gettext_lazy("Subject"), "subject"),
            Field("kind", gettext_lazy("Kind"), "kind", CHOICE, tuple(ActivityKind.choices)),
            Field("type", gettext_lazy("Type"), "type__name"),
            Field("done", gettext_lazy("Done"), "done", BOOL),
            Field("due", gettext_lazy("Date"), "due_at__date", DATE),
            Field("done_on", gettext_lazy("Done on"), "done_at__date", DATE),
            Field(
                "outcome",
                gettext_lazy("Outcome"),
                "outcome__kind",
                CHOICE,
                tuple(OutcomeKind.choices),
            ),
            Field("deal", gettext_lazy("Deal"), "deal__name"),
            *_owner_fields(),
            *_company_fields("company"),
        ),
        ("subject", "kind", "due", "done", "owner", "company_name"),
    ),
}


def clean_spec(entity_key: str, spec: dict) -> dict:
    """The definition with only known keys, or a ValidationError naming what is wrong."""
    entity = ENTITIES.get(entity_key)
    if entity is None:
        raise ValidationError(_("Choose what the report is about."))
    errors = []

    def known(key, what) -> Field | None:
        found = entity.field(key) if isinstance(key, str) else None
        if found is None:
            errors.append(_("Unknown %(what)s: %(key)s.") % {"what": what, "key": key})
        return found

    columns = [key for key in spec.get("columns") or [] if known(key, _("column"))]
    filters = []
    for item in spec.get("filters") or []:
        if not isinstance(item, dict) or not item.get("field"):
            continue
        field = known(item.get("field"), _("filter field"))
        if field is None:
            continue
        op = item.get("op") or OPERATORS[field.type][0]
        if op not in OPERATORS[field.type]:
            errors.append(_("“%(field)s” cannot be filtered that way.") % {"field": field.label})
            continue
        value = item.get("value", "")
        value = "" if value is None else str(value)[:200]
        if op not in ("empty", "not_empty") and value == "":
            errors.append(_("Give a value for “%(field)s”.") % {"field": field.label})
            continue
        try:
            _typed(field, value, op)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        filters.append({"field": field.key, "op": op, "value": value})
    group_by = []
    for key in (spec.get("group_by") or [])[:2]:
        if not key:
            continue
        field = known(key, _("grouping"))
        if field is not None and field.groupable and key not in group_by:
            group_by.append(key)
        elif field is not None and not field.groupable:
            errors.append(_("A report cannot be grouped by “%(field)s”.") % {"field": field.label})
    aggregate = spec.get("aggregate") or {}
    fn = aggregate.get("fn") or "count"
    if fn not in AGGREGATES:
        errors.append(_("Unknown total: %(fn)s.") % {"fn": fn})
        fn = "count"
    aggregate_field = aggregate.get("field") or ""
    if fn != "count":
        field = known(aggregate_field, _("total field"))
        if field is not None and not field.summable:
            errors.append(_("Only numbers can be summed or averaged."))
    else:
        aggregate_field = ""
    if not columns and not group_by:
        errors.append(_("Choose at least one column or a grouping."))
    sort = spec.get("sort") or ""
    if sort and sort.lstrip("-") not in {*columns, *group_by, "value"}:
        errors.append(_("Sort by one of the report's columns."))
    chart = spec.get("chart") or ""
    if chart not in CHARTS:
        errors.append(_("Unknown chart: %(chart)s.") % {"chart": chart})
    if errors:
        raise ValidationError(errors)
    return {
        "columns": columns,
        "filters": filters,
        "group_by": group_by,
        "aggregate": {"fn": fn, "field": aggregate_field},
        "sort": sort,
        "chart": chart if group_by else "",
    }


def _typed(field: Field, value: str, op: str):
    """A filter's value as its field's type, held to core.bounds: a saved report is checked
    again each time it runs, so one saved before a bound existed gets a message, not a 500."""
    if op in ("empty", "not_empty"):
        return None
    if field.type == NUMBER:
        number = bounds.decimal_or_none(value)
        if number is None:  # not a number, NaN or Infinity
            raise ValidationError(
                _("“%(value)s” is not a number (%(field)s).")
                % {"value": value, "field": field.label}
            )
        try:
            bounds.validate_decimal(number, max_digits=NUMBER_DIGITS, decimal_places=2)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is too large a number (%(field)s).")
                % {"value": value, "field": field.label}
            ) from None
        return number
    if field.type == DATE:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date (%(field)s).") % {"value": value, "field": field.label}
            ) from None
        if not bounds.day_in_range(day):
            raise ValidationError(
                [f"{field.label}: {message}" for message in bounds.day_range_error().messages]
            )
        return day
    if field.type == BOOL:
        return value.lower() in ("1", "true", "yes", "да", "on")
    if field.type == CHOICE and value not in {str(v) for v, _label in field.choices}:
        raise ValidationError(
            _("“%(value)s” is not a choice of %(field)s.") % {"value": value, "field": field.label}
        )
    return value


def _alias(field: Field) -> str:
    return f"f_{field.key}"


def _queryset(entity: Entity, spec: dict, user) -> QuerySet:
    """The rows the report covers: the user's visible records, filtered; every field used is
    annotated under its alias."""
    qs = entity.base(user)
    used = {f["field"] for f in spec["filters"]}
    if spec["group_by"]:  # grouped: no columns; a field grouped by its id needs no name
        used |= {key for key in spec["group_by"] if not entity.field(key).group_key}
    else:
        used |= set(spec["columns"])
    if spec["aggregate"]["field"]:
        used.add(spec["aggregate"]["field"])
    annotations = {}
    for key in used:
        field = entity.field(key)
        annotations[_alias(field)] = (
            field.expression if field.expression is not None else F(field.path)
        )
    qs = qs.annotate(**annotations)
    for item in spec["filters"]:
        field = entity.field(item["field"])
        name, op = _alias(field), item["op"]
        value = _typed(field, item["value"], op)
        if op == "contains" and connection.vendor == "sqlite":
            folded = Func(F(name), function="voronka_casefold", output_field=CharField())
            qs = qs.annotate(**{f"{name}_folded": folded}).filter(
                **{f"{name}_folded__contains": value.casefold()}
            )
        elif op == "contains":
            qs = qs.filter(**{f"{name}__icontains": value})
        elif op == "equals":
            qs = qs.filter(**{name: value})
        elif op == "gte":
            qs = qs.filter(**{f"{name}__gte": value})
        elif op == "lte":
            qs = qs.filter(**{f"{name}__lte": value})
        elif op == "empty":
            qs = qs.filter(**{f"{name}__isnull": True}) | qs.filter(**{name: ""})
        elif op == "not_empty":
            qs = qs.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
    return qs


def _shown(field: Field, value):
    if field.type == CHOICE:
        return str(dict(field.choices).get(value, value or "—"))
    if field.type == BOOL:
        return _("yes") if value else _("no")
    if value is None or value == "":
        return "—"
    return value


@dataclass
class Result:
    headers: list[str]
    rows: list[list]
    grouped: bool
    page: object = None  # the page of a flat report
    chart: dict | None = None
    truncated: bool = False


def _refuse_hidden(entity_key: str, spec: dict, user) -> None:
    """A report that shows, sums, sorts, groups or filters by a field the user's role hides
    (the amount of deals) is refused."""
    if entity_key != "deals":
        return
    hidden = access.hidden_fields(user, "deal")
    if not hidden:
        return
    used = {*spec.get("columns", []), *spec.get("group_by", [])}
    used.add((spec.get("sort") or "").lstrip("-"))
    used.add((spec.get("aggregate") or {}).get("field") or "")
    used |= {f.get("field", "") for f in spec.get("filters", []) if isinstance(f, dict)}
    if used & hidden:
        access.require_field(user, "deal", sorted(used & hidden)[0])


def run(entity_key: str, spec: dict, user, *, page: int = 1, everything: bool = False) -> Result:
    """The report's rows as the user may see them: a page of records, or the groups with
    their totals (at most MAX_GROUPS). `everything` gives all rows, for exports and mail."""
    spec = clean_spec(entity_key, spec)
    entity = ENTITIES[entity_key]
    _refuse_hidden(entity_key, spec, user)
    qs = _queryset(entity, spec, user)
    if spec["group_by"]:
        return _grouped(entity, spec, qs)
    fields = [entity.field(key) for key in spec["columns"]]
    aliases = [_alias(field) for field in fields]
    sort = spec["sort"]
    if sort:
        alias = _alias(entity.field(sort.lstrip("-")))
        qs = qs.order_by(f"-{alias}" if sort.startswith("-") else alias, "-pk")
    else:
        qs = qs.order_by("-pk")
    values = qs.values_list(*aliases)
    headers = [str(field.label) for field in fields]
    if everything:
        rows = [
            [_shown(f, v) for f, v in zip(fields, row, strict=True)] for row in values[:100_000]
        ]
        return Result(headers, rows, grouped=False)
    paginator = Paginator(values, PAGE_SIZE)
    current = paginator.get_page(page)
    rows = [[_shown(f, v) for f, v in zip(fields, row, strict=True)] for row in current]
    return Result(headers, rows, grouped=False, page=current)


def _group_alias(field: Field) -> str:
    return f"g_{field.key}" if field.group_key else _alias(field)


def _label(cell) -> str:
    """A group's name on a chart: dates as people write them (07.11.2026), not 2026-11-07."""
    if isinstance(cell, datetime.date):
        return date_format(cell, "SHORT_DATE_FORMAT")
    return str(cell)


def _grouped(entity: Entity, spec: dict, qs: QuerySet) -> Result:
    groups = [entity.field(key) for key in spec["group_by"]]
    # A field grouped by its id: the id under its own name (the name's join is not needed).
    qs = qs.annotate(**{_group_alias(f): F(f.group_key) for f in groups if f.group_key})
    aliases = [_group_alias(field) for field in groups]
    fn, target = spec["aggregate"]["fn"], spec["aggregate"]["field"]
    if fn == "count":
        total = Count("pk")
    else:
        column = _alias(entity.field(target))
        total = Sum(column) if fn == "sum" else Avg(column)
    qs = qs.values(*aliases).annotate(value=total)
    sort = spec["sort"]
    if sort.lstrip("-") == "value":
        qs = qs.order_by(sort, *aliases)
    elif sort:
        alias = _group_alias(entity.field(sort.lstrip("-")))
        qs = qs.order_by(f"-{alias}" if sort.startswith("-") else alias)
    else:
        qs = qs.order_by(*aliases)
    found = list(qs[: MAX_GROUPS + 1])
    for field in groups:
        if field.group_key:
            alias = _group_alias(field)
            names = field.names({row[alias] for row in found if row[alias] is not None})
            for row in found:
                row[alias] = names.get(row[alias], "")
    truncated = len(found) > MAX_GROUPS
    found = found[:MAX_GROUPS]
    if sort.lstrip("-") != "value" and any(field.group_key for field in groups):
        # Ordered by ids in the database; by the names people read here (nulls last).
        keys = [sort.lstrip("-")] if sort else [field.key for field in groups]
        for key in reversed(keys):
            alias = _group_alias(entity.field(key))
            descending = sort.startswith("-") and key == sort.lstrip("-")
            found.sort(key=lambda row, a=alias: str(row[a] or "").casefold(), reverse=descending)
            found.sort(key=lambda row, a=alias: row[a] in (None, ""))
    label = AGGREGATES[fn]
    value_header = str(label) if fn == "count" else f"{label}: {entity.field(target).label}"
    headers = [*[str(field.label) for field in groups], value_header]
    rows = []
    for row in found:
        value = row["value"]
        if isinstance(value, Decimal | float) and fn == "avg":
            value = Decimal(value).quantize(Decimal("0.01"))
        rows.append(
            [*[_shown(f, row[_group_alias(f)]) for f in groups], value if value is not None else 0]
        )
    chart = None
    if spec["chart"]:
        chart = {
            "type": spec["chart"],
            "labels": [" · ".join(_label(cell) for cell in row[:-1]) for row in rows],
            "values": [float(row[-1] or 0) for row in rows],
        }
    return Result(headers, rows, grouped=True, chart=chart, truncated=truncated)
