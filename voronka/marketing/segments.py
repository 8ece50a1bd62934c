"""Segments: saved conditions over companies and contacts, resolved with the viewer's rights.

A segment stores plain values (`Segment.filters`), checked by `SegmentForm` on the way in and
again here on the way out (`conditions`), so a stored bad value never breaks a page. The
records are always those the viewer may see (`accounts.access`), and the conditions that
look at other records (group membership, the source of deals, the last activity) look only at
the groups, deals and activities the viewer may see: a segment built on what the viewer
cannot see reveals nothing of it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voronka.accounts import access
from voronka.activities.models import Activity
from voronka.contacts.models import AbcClass, CompanyKind, RelationshipStage, XyzClass
from voronka.contacts.selectors import companies_visible_to, contacts_visible_to
from voronka.sales.models import LeadSource
from voronka.sales.selectors import deals_visible_to
from voronka.ui.forms import style_widgets

from .models import Audience, Group, Sharing


def groups_visible_to(*, user) -> QuerySet[Group]:
    """Groups shared with everyone, with the user's team, or curated by the user (all for an
    administrator)."""
    groups = Group.objects.all()
    if access.is_admin(user):
        return groups
    rule = Q(sharing=Sharing.EVERYONE) | Q(curator=user)
    if user.team_id:
        rule |= Q(sharing=Sharing.TEAM, team_id=user.team_id)
    return groups.filter(rule)


class SegmentConditionsForm(forms.Form):
    """The conditions of a segment; every one optional, every one bounded."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *CompanyKind.choices]
    )
    abc_class = forms.ChoiceField(
        label=_("ABC class"), required=False, choices=[("", _("Any ABC class")), *AbcClass.choices]
    )
    xyz_class = forms.ChoiceField(
        label=_("XYZ class"), required=False, choices=[("", _("Any XYZ class")), *XyzClass.choices]
    )
    relationship_stage = forms.ChoiceField(
        label=_("Relationship stage"),
        required=False,
        choices=[("", _("Any stage")), *RelationshipStage.choices],
    )
    city = forms.CharField(label=_("City"), required=False, max_length=150)
    region = forms.CharField(label=_("Region"), required=False, max_length=150)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=150)
    source = forms.ModelChoiceField(
        label=_("Lead source of a deal"), required=False, queryset=LeadSource.objects.all()
    )
    active_from = forms.DateField(label=_("Last activity from"), required=False)
    active_to = forms.DateField(label=_("Last activity to"), required=False)
    group = forms.ModelChoiceField(
        label=_("In the group"), required=False, queryset=Group.objects.none()
    )
    mailing_consent = forms.NullBooleanField(
        label=_("Agrees to mailings (contacts)"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("yes")), ("false", _("no"))]),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["group"].queryset = groups_visible_to(user=user)
        style_widgets(self)

    def stored(self) -> dict:
        """The cleaned conditions as JSON-friendly values (empty ones left out)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            out[name] = value
        return out


def _as_data(filters: dict) -> dict:
    data = {}
    for key, value in (filters or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[key] = value
    return data


def conditions(filters: dict, user) -> dict:
    """The stored conditions checked again (a bad or foreign value is dropped)."""
    form = SegmentConditionsForm(_as_data(filters), user=user)
    form.is_valid()
    return {
        name: form.cleaned_data[name]
        for name in form.fields
        if name not in form.errors and form.cleaned_data.get(name) not in (None, "")
    }


def _company_rule(cond: dict, user, prefix: str = "") -> Q:
    q = Q()
    for name in ("abc_class", "xyz_class", "relationship_stage", "city", "region", "industry"):
        if name in cond:
            lookup = (
                f"{prefix}{name}"
                if name not in ("city", "region", "industry")
                else (f"{prefix}{name}__iexact")
            )
            q &= Q(**{lookup: cond[name]})
    if cond.get("kind") in CompanyKind.values:
        q &= Q(**{f"{prefix}is_{cond['kind']}": True})
    return q


def _related(cond: dict, user, field: str, outer: str = "pk") -> Q:
    """The conditions on other records (deals, activities), only those the user may see."""
    q = Q()
    if "source" in cond:
        deals = deals_visible_to(user=user).filter(
            **{field: OuterRef(outer)}, lead_source=cond["source"]
        )
        q &= Q(Exists(deals))
    if "active_from" in cond or "active_to" in cond:
        acts = access.visible(user, Activity.objects.filter(done=True, **{field: OuterRef(outer)}))
        if "active_from" in cond:
            acts = acts.filter(done_at__date__gte=cond["active_from"])
        if "active_to" in cond:
            acts = acts.filter(done_at__date__lte=cond["active_to"])
        q &= Q(Exists(acts))
    return q


def companies(filters: dict, user) -> QuerySet:
    cond = conditions(filters, user)
    qs = companies_visible_to(user=user).filter(_company_rule(cond, user))
    qs = qs.filter(_related(cond, user, "company_id"))
    if "group" in cond:
        qs = qs.filter(marketing_groups=cond["group"])
    return qs


def contacts(filters: dict, user) -> QuerySet:
    cond = conditions(filters, user)
    qs = contacts_visible_to(user=user)
    company_rule = _company_rule(cond, user, prefix="company__")
    if company_rule:
        # The company conditions look only at companies the user may see.
        qs = qs.filter(company__in=companies_visible_to(user=user)).filter(company_rule)
    qs = qs.filter(_related(cond, user, "contact_id"))
    if "group" in cond:
        group = cond["group"]
        if group.audience == Audience.CONTACT:
            qs = qs.filter(marketing_groups=group)
        else:
            qs = qs.filter(company__marketing_groups=group)
    if "mailing_consent" in cond:
        qs = qs.filter(mailing_consent=cond["mailing_consent"])
    return qs


def resolve(segment, user) -> QuerySet:
    """The records of the segment the user may see."""
    if segment.audience == Audience.COMPANY:
        return companies(segment.filters, user)
    return contacts(segment.filters, user)


def group_records(group, user) -> QuerySet:
    if group.audience == Audience.COMPANY:
        return companies_visible_to(user=user).filter(marketing_groups=group)
    return contacts_visible_to(user=user).filter(marketing_groups=group)


def contacts_of(*, user, segment=None, group=None) -> QuerySet:
    """The contacts a mailing to this segment or group reaches (a company's: its people)."""
    if segment is not None:
        records = resolve(segment, user)
        audience = segment.audience
    elif group is not None:
        records = group_records(group, user)
        audience = group.audience
    else:
        return contacts_visible_to(user=user).none()
    if audience == Audience.CONTACT:
        return records
    return contacts_visible_to(user=user).filter(company__in=records.values("pk"))


# The conditions a company list's filters know by the same name.
LIST_FILTERS = (
    "kind",
    "abc_class",
    "xyz_class",
    "relationship_stage",
    "city",
    "region",
    "industry",
)


def list_query(segment) -> str:
    """The company list's query string for a company segment whose conditions are all list
    filters (the segment as a list filter), else ""."""
    if segment.audience != Audience.COMPANY or not segment.filters:
        return ""
    if not set(segment.filters) <= set(LIST_FILTERS):
        return ""
    # In the list's own order (PostgreSQL's jsonb keeps keys in an order of its own).
    return urlencode(
        [(name, segment.filters[name]) for name in LIST_FILTERS if name in segment.filters]
    )
