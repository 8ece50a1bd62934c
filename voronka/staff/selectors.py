"""What the administration pages read: users with their last sign-in, the team tree, the
administration journal."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from voronka.accounts.models import Role, SignInEvent, Team, User
from voronka.audit.models import HistoryEntry

JOURNAL_KINDS = [
    "accounts.user",
    "accounts.team",
    "accounts.role",
    "accounts.rolepermission",
]


def users() -> QuerySet[User]:
    return User.objects.select_related("team", "role", "manager")


def roles() -> QuerySet[Role]:
    return Role.objects.all()


@dataclass
class TeamNode:
    team: Team
    children: list[TeamNode] = field(default_factory=list)
    members: int = 0


def team_tree() -> list[TeamNode]:
    """The teams as a tree, each level in its order."""
    teams = list(Team.objects.select_related("head").order_by("order", "name"))
    counts: dict[int, int] = {}
    for team_id in User.objects.filter(is_active=True, team__isnull=False).values_list(
        "team_id", flat=True
    ):
        counts[team_id] = counts.get(team_id, 0) + 1
    nodes = {t.pk: TeamNode(team=t, members=counts.get(t.pk, 0)) for t in teams}
    roots = []
    for team in teams:
        parent = nodes.get(team.parent_id)
        (parent.children if parent else roots).append(nodes[team.pk])
    return roots


def journal() -> QuerySet[HistoryEntry]:
    """Changes of users, teams, roles and their rules, as history rows."""
    return HistoryEntry.objects.filter(entity__in=JOURNAL_KINDS).select_related("actor")


def journal_labels(entries) -> dict[tuple[str, int], str]:
    """The current names of the settings the journal rows are about (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.entity, set()).add(entry.object_id)
    labels = {}
    for kind, ids in wanted.items():
        model = apps.get_model(kind)
        rows = model.objects.filter(pk__in=sorted(ids))
        if kind == "accounts.rolepermission":
            rows = rows.select_related("role")
        for obj in rows:
            labels[(kind, obj.pk)] = str(obj)
    return labels


def kind_label(kind: str) -> str:
    try:
        return str(apps.get_model(kind)._meta.verbose_name)
    except (LookupError, ValueError):
        return kind


def sign_ins() -> QuerySet[SignInEvent]:
    return SignInEvent.objects.all()


def field_label(kind: str, name: str) -> str:
    """A journal row's field in the reader's language (a marker: added, deleted)."""
    markers = {"__added__": _("added"), "__deleted__": _("deleted")}
    if name in markers:
        return str(markers[name])
    try:
        return str(apps.get_model(kind)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
