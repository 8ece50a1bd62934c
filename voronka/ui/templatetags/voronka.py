from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.core.money import format_money
from voronka.core.phones import format_phone

register = template.Library()


@register.filter
def money(amount, currency):
    return format_money(amount, currency)


@register.filter
def phone(value):
    return format_phone(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, column, current_sort: str):
    """A column heading that sorts the list by it, and shows the direction it sorts now."""
    if not column.sortable:
        return format_html('<th scope="col" class="{}">{}</th>', column.classes, column.label)
    key = column.key
    if current_sort == key:
        new, icon, aria = f"-{key}", "bi-sort-up", "ascending"
    elif current_sort == f"-{key}":
        new, icon, aria = key, "bi-sort-down", "descending"
    else:
        new, icon, aria = key, "", "none"
    href = query_with(context, sort=new, page=None)
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link" href="{}" hx-get="{}" '
        'hx-target="#results" hx-push-url="true" title="{}">{} <i class="bi {}"></i></a></th>',
        column.classes,
        aria,
        href,
        href,
        _("Sort"),
        column.label,
        icon,
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def get_elided(paginator, number):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.simple_tag
def figure(row, key: str, value):
    """A report's figure linked to the list behind it, when the row has that list."""
    url = getattr(row, "urls", {}).get(key)
    if not url:
        return value
    return format_html('<a href="{}">{}</a>', url, value)


@register.filter
def sees(user, entity_field: str) -> bool:
    """`{% if request.user|sees:"deal.amount" %}`: whether the user's role shows the field."""
    entity, _dot, name = str(entity_field).partition(".")
    return access.can_see_field(user, entity, name)


@register.filter
def may_change_field(user, entity_field: str) -> bool:
    entity, _dot, name = str(entity_field).partition(".")
    return access.can_change_field(user, entity, name)
