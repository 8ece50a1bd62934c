"""What the import adds to the pages of the apps below it: the «Импорт» and vCard buttons of
the company and contact lists and the vCard button of a contact's page (decision 0006: a
lower app shows a higher app's part through the higher app's tag)."""

from django import template

register = template.Library()


@register.inclusion_tag("imports/_list_buttons.html", takes_context=True)
def import_buttons(context, target: str):
    """The list's «Импорт» link and, for contacts, the vCard export of the filtered list and
    of the ticked rows."""
    listing = context.get("list")
    return {
        "target": target,
        "querystring": getattr(listing, "querystring", ""),
        "bulk": context.get("bulk"),
    }


@register.inclusion_tag("imports/_contact_vcard.html")
def contact_vcard_button(contact):
    return {"contact": contact}
