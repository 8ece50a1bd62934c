"""The one place that decides who may see and change what.

Every list, detail page, search, autocomplete, export and API call turns a request's ids into
records through these functions; no view calls `Model.objects.get(pk=...)` on an id it was given.

A role grants, per entity (companies, contacts, deals, activities) and action (view, change,
delete), a scope: own records, the records of the user's team, of the team and its sub-teams,
or all. Administrators have every right. Rules are read once per request and kept on the user
object, so checking many records costs no extra queries.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    RULED_FIELDS,
    Action,
    Deputy,
    Entity,
    FieldMode,
    Role,
    RolePermission,
    Scope,
    Team,
    User,
)

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_voronka_access"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def forget(user) -> None:
    """Drop what was cached on this user object (after their role or team changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = _cache(user)
    if "is_admin" not in cache:
        cache["is_admin"] = bool(user.role_id and user.role.is_admin)
    return cache["is_admin"]


def _role(user) -> Role | None:
    if not user or not user.is_authenticated or not user.is_active or not user.role_id:
        return None
    return user.role


def can_configure(user) -> bool:
    """Pipelines, stages, lists of values: administrators and roles allowed to configure."""
    if is_admin(user):
        return True
    role = _role(user)
    return bool(role and role.can_configure)


def can_administer(user) -> bool:
    """Users, teams, roles and the administration journal: administrators only."""
    return is_admin(user)


def require_administer(user) -> None:
    if not can_administer(user):
        raise PermissionDenied(_("Only an administrator can manage users, teams and roles."))


def can_see_company_reports(user) -> bool:
    """Reports summed over the whole company (not only the records the user may see)."""
    if is_admin(user):
        return True
    role = _role(user)
    return bool(role and role.can_see_company_reports)


def reportable(user, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The records a report sums for this user: all of them for a role allowed to see the
    reports of the whole company, else the visible ones."""
    if can_see_company_reports(user):
        return queryset
    return visible(user, queryset)


def can_send_mailings(user) -> bool:
    if is_admin(user):
        return True
    role = _role(user)
    return bool(role and role.can_send_mailings)


def requires_two_factor(user) -> bool:
    role = _role(user)
    return bool(role and role.require_two_factor)


def _field_rules(user) -> dict[tuple[str, str], str]:
    if not user or not user.is_authenticated or is_admin(user) or not user.role_id:
        return {}
    cache = _cache(user)
    if "fields" not in cache:
        cache["fields"] = user.role.field_rules()
    return cache["fields"]


def hidden_fields(user, entity: str) -> frozenset[str]:
    """The fields of an entity this user must not see anywhere: pages, forms, exports, API,
    history, stream and reports (RULED_FIELDS names them)."""
    return frozenset(
        field
        for (entity_, field), mode in _field_rules(user).items()
        if entity_ == entity and mode == FieldMode.HIDDEN
    )


def readonly_fields(user, entity: str) -> frozenset[str]:
    """The fields this user sees but may not change (hidden ones are read-only too)."""
    return frozenset(
        field for (entity_, field), _m in _field_rules(user).items() if entity_ == entity
    )


def can_see_field(user, entity: str, field: str) -> bool:
    return field not in hidden_fields(user, entity)


def can_change_field(user, entity: str, field: str) -> bool:
    return field not in readonly_fields(user, entity)


def require_field(user, entity: str, field: str) -> None:
    """Refuse (403) what shows a hidden field (a revenue report to who may not see amounts)."""
    if not can_see_field(user, entity, field):
        raise PermissionDenied(_("Your role does not show these figures."))


def ruled_fields() -> dict:
    return RULED_FIELDS


def can_export(user, entity: str) -> bool:
    return scope(user, entity, Action.EXPORT) != Scope.NONE


def can_import(user, entity: str) -> bool:
    return scope(user, entity, Action.IMPORT) != Scope.NONE


def exportable(user, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The visible records of a queryset this user may also export."""
    return _filter(user, queryset, Action.EXPORT)


def require_configure(user, message: str | None = None) -> None:
    """PermissionDenied unless the user may change the settings (can_configure)."""
    if not can_configure(user):
        raise PermissionDenied(message or _("Only an administrator can change this setting."))


def scope(user, entity: str, action: str) -> str:
    if not user or not user.is_authenticated or not user.is_active:
        return Scope.NONE
    if is_admin(user):
        return Scope.ALL
    cache = _cache(user)
    if "rules" not in cache:
        rules = {}
        if user.role_id:
            for entity_, action_, scope_ in RolePermission.objects.filter(
                role_id=user.role_id
            ).values_list("entity", "action", "scope"):
                rules[(entity_, action_)] = scope_
        cache["rules"] = rules
    rules = cache["rules"]
    if action == Action.EXPORT and (entity, action) not in rules:
        # Without a rule of its own, export reaches what the user sees.
        return rules.get((entity, Action.VIEW), Scope.OWN)
    if action in (Action.EXPORT, Action.IMPORT):
        # Never wider than what the user sees.
        return _narrower(rules.get((entity, action), Scope.OWN), scope(user, entity, Action.VIEW))
    return rules.get((entity, action), Scope.OWN)


_WIDTH = [Scope.NONE, Scope.OWN, Scope.TEAM, Scope.SUBTREE, Scope.ALL]


def _narrower(a: str, b: str) -> str:
    return min(a, b, key=lambda s: _WIDTH.index(s) if s in _WIDTH else 0)


def team_ids_below(team_id: int) -> set[int]:
    """A team and all the teams under it."""
    return _team_ids_below(team_id)


def _team_ids_below(team_id: int) -> set[int]:
    parents = dict(Team.objects.values_list("id", "parent_id"))
    found = {team_id}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found


def owner_ids(user, scope_: str) -> frozenset[int] | None:
    """Ids of the users whose records a scope covers; None means everyone's."""
    if scope_ == Scope.ALL:
        return None
    if scope_ == Scope.NONE:
        return frozenset()
    cache = _cache(user)
    key = ("owners", scope_)
    if key not in cache:
        if scope_ == Scope.OWN or not user.team_id:
            ids = {user.pk}
        elif scope_ == Scope.TEAM:
            ids = set(User.objects.filter(team_id=user.team_id).values_list("id", flat=True))
        else:
            teams = _team_ids_below(user.team_id)
            ids = set(User.objects.filter(team_id__in=teams).values_list("id", flat=True))
        ids.add(user.pk)
        ids |= covered_ids(user)
        cache[key] = frozenset(ids)
    return cache[key]


def covered_ids(user) -> frozenset[int]:
    """The users this user covers for today (a deputy for a period): their records count as
    the deputy's own for seeing and working them. The period ends by itself."""
    if not user or not user.is_authenticated:
        return frozenset()
    cache = _cache(user)
    if "covered" not in cache:
        today = timezone.localdate()
        cache["covered"] = frozenset(
            Deputy.objects.filter(
                deputy_id=user.pk, starts_on__lte=today, ends_on__gte=today, absent__is_active=True
            ).values_list("absent_id", flat=True)
        )
    return cache["covered"]


def acting_for(user, owner_id: int | None) -> bool:
    """Whether a change by `user` to a record of `owner_id` is made on the owner's behalf
    («от имени»): the user covers for the owner today."""
    return bool(owner_id and user and owner_id != user.pk and owner_id in covered_ids(user))


def deputies_of(owner_id: int, day=None) -> list[User]:
    """Who covers for a user on a day (reminders and new records reach them too)."""
    day = day or timezone.localdate()
    return list(
        User.objects.filter(
            is_active=True,
            covering__absent_id=owner_id,
            covering__starts_on__lte=day,
            covering__ends_on__gte=day,
        ).distinct()
    )


def entity_of(model_or_obj) -> str:
    entity = getattr(model_or_obj, "access_entity", None)
    if entity is None:
        raise TypeError(f"{model_or_obj!r} is not an owned record with an access_entity")
    return entity


def _owned_by(queryset: models.QuerySet, ids: frozenset[int] | None, path: str = "owner_id"):
    """The rows whose owner (at `path`) is one of `ids`; None means everyone's."""
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": sorted(ids)})


def _queue_team_ids(user, model, action: str) -> list[int]:
    """For records that wait in a team's queue with no owner yet (a model with
    `access_queue_team`, the name of its team field): the teams whose queue this user may see
    and work — their own and those below it. Nobody deletes from a queue but an administrator."""
    if getattr(model, "access_queue_team", None) is None or action == Action.DELETE:
        return []
    if not user or not user.is_authenticated or not user.is_active or not user.team_id:
        return []
    if scope(user, entity_of(model), action) == Scope.NONE:
        return []
    return sorted(_team_ids_below(user.team_id))


def _filter(user, queryset: models.QuerySet, action: str) -> models.QuerySet:
    model = queryset.model
    ids = owner_ids(user, scope(user, entity_of(model), action))
    teams = _queue_team_ids(user, model, action) if ids is not None else []
    if not teams:
        return _owned_by(queryset, ids)
    queued = models.Q(owner__isnull=True, **{f"{model.access_queue_team}_id__in": teams})
    return queryset.filter(models.Q(owner_id__in=sorted(ids)) | queued)


def visible(user, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The records of a queryset this user may see."""
    return _filter(user, queryset, Action.VIEW)


def changeable(user, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    return _filter(user, queryset, Action.CHANGE)


def visible_by_owner(user, entity: str, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Rows summed per owner (e.g. a month's activities per manager) that this user may see:
    those of the owners whose records of `entity` the user may view."""
    return _owned_by(queryset, owner_ids(user, scope(user, entity, Action.VIEW)))


def visible_through(user, queryset: models.QuerySet[M], path: str) -> models.QuerySet[M]:
    """Rows of a queryset that hang off an owned record (e.g. a company's classification
    changes, `path="company"`) which this user may see: the owner rule applied through the
    join, instead of a semi-join over every visible record."""
    related = queryset.model._meta.get_field(path).related_model
    ids = owner_ids(user, scope(user, entity_of(related), Action.VIEW))
    return _owned_by(queryset, ids, f"{path}__owner_id")


def can(user, action: str, obj) -> bool:
    ids = owner_ids(user, scope(user, entity_of(obj), action))
    if ids is None or obj.owner_id in ids:
        return True
    if obj.owner_id is None:
        field = getattr(obj, "access_queue_team", None)
        team_id = getattr(obj, f"{field}_id", None) if field else None
        return team_id is not None and team_id in _queue_team_ids(user, type(obj), action)
    return False


def can_view(user, obj) -> bool:
    return can(user, Action.VIEW, obj)


def can_change(user, obj) -> bool:
    return can(user, Action.CHANGE, obj)


def can_delete(user, obj) -> bool:
    return can(user, Action.DELETE, obj)


def can_create(user, entity: str) -> bool:
    return scope(user, entity, Action.CHANGE) != Scope.NONE


def get_visible(user, queryset: models.QuerySet[M] | type[M], pk) -> M:
    """The record with this id if the user may see it; 404 otherwise (even if it exists)."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    try:
        return visible(user, queryset).get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such record, or you have no access to it.")) from None


def require(user, action: str, obj) -> None:
    """Refuse (403) an action on a record the user can see but may not change or delete."""
    if not can(user, action, obj):
        if action == Action.DELETE:
            raise PermissionDenied(_("You may not delete this record."))
        raise PermissionDenied(_("You may not change this record."))


def get_changeable(user, queryset: models.QuerySet[M] | type[M], pk) -> M:
    obj = get_visible(user, queryset, pk)
    require(user, Action.CHANGE, obj)
    return obj


def get_deletable(user, queryset: models.QuerySet[M] | type[M], pk) -> M:
    obj = get_visible(user, queryset, pk)
    require(user, Action.DELETE, obj)
    return obj


def assignable_owners(user, entity: str) -> models.QuerySet[User]:
    """Users this user may make the owner of a record: within their change scope."""
    users = User.objects.filter(is_active=True)
    ids = owner_ids(user, scope(user, entity, Action.CHANGE))
    if ids is None:
        return users
    return users.filter(pk__in=sorted(ids))


def can_assign(user, entity: str, owner) -> bool:
    ids = owner_ids(user, scope(user, entity, Action.CHANGE))
    return owner is not None and owner.is_active and (ids is None or owner.pk in ids)


def require_links(user, **links) -> None:
    """The links a user may set on a record (a deal's company, an activity's contact…): only
    to records they may see. Refuses with a message per field; None links nothing."""
    errors = {
        field: _("No such record, or you have no access to it.")
        for field, record in links.items()
        if record is not None and not can_view(user, record)
    }
    if errors:
        raise ValidationError(errors)


def disclosed(user, records) -> list[tuple[models.Model, bool]]:
    """Records found on the user's behalf (possible duplicates) with whether the user may open
    them. Of one they may not see the user learns only that it exists: not its name, not
    whose it is."""
    return [(record, can_view(user, record)) for record in records]


def heads_team(user) -> bool:
    """A head of sales (or an administrator): who manages more than their own activities and
    may switch the home page and the calendar to their team."""
    return scope(user, Entity.ACTIVITY, Action.CHANGE) not in (Scope.OWN, Scope.NONE)


def calendar_team_ids(user) -> set[int]:
    """The teams whose calendar a user may open: their own, and for whoever sees the teams
    below theirs, those too."""
    if not user.team_id:
        return set()
    if scope(user, Entity.ACTIVITY, Action.VIEW) in (Scope.SUBTREE, Scope.ALL):
        return _team_ids_below(user.team_id)
    return {user.team_id}


def visible_events(user, events: models.QuerySet) -> models.QuerySet:
    """The stream events a user may see: those of records whose owner's records of that kind
    the user may see. The event's owner follows the record when it changes hands
    (`audit.services.follow_owner`), so the stream shows what the record's page shows."""
    if is_admin(user):
        return events
    condition = models.Q(pk__in=[])
    for entity in Entity.values:
        ids = owner_ids(user, scope(user, entity, Action.VIEW))
        if ids is None:
            condition |= models.Q(entity=entity)
        elif ids:
            condition |= models.Q(entity=entity, owner_id__in=sorted(ids))
    return events.filter(condition)


def can_hand_over(user) -> bool:
    """Heads of sales and administrators hand a manager's clients over: whoever may change
    someone else's companies, and roles given the ability to hand over."""
    role = _role(user)
    if role and role.can_hand_over:
        return True
    return scope(user, Entity.COMPANY, Action.CHANGE) not in (Scope.OWN, Scope.NONE)


def active_admins(exclude=None) -> models.QuerySet[User]:
    """Active users with administrator rights (superusers or of an administrator role)."""
    users = User.objects.filter(is_active=True).filter(
        models.Q(is_superuser=True) | models.Q(role__is_admin=True)
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users


def is_last_admin(user) -> bool:
    """Whether taking this user's administrator rights away would leave nobody to administer."""
    return is_admin(user) and not active_admins(exclude=user).exists()


def can_pass_task(user, owner) -> bool:
    """Anyone may pass a client's request to a colleague of any department as a task (with
    its deadline and purpose): the task becomes theirs and they are told. Every other record
    (and every other kind of activity) follows the change scope of `can_assign`."""
    return bool(user.is_active and owner is not None and owner.is_active)


def can_plan(user, *, owner=None, team=None) -> bool:
    """Sales plans: administrators set any; a user who may change the deals of a team (or
    of the teams below) sets the plans of those teams and of their members; the
    department's plan (neither owner nor team) is the administrators'."""
    if can_configure(user):
        return True
    if owner is None and team is None:
        return False
    reach = scope(user, Entity.DEAL, Action.CHANGE)
    if reach not in (Scope.TEAM, Scope.SUBTREE) or not user.team_id:
        return False
    teams = _team_ids_below(user.team_id) if reach == Scope.SUBTREE else {user.team_id}
    target = team.pk if team is not None else owner.team_id
    return target in teams


def plans_visible(user, plans: models.QuerySet) -> models.QuerySet:
    """The sales plans a user may see: those of the managers whose deals they may see, of
    their teams (and the teams below, for a head), and the department's."""
    ids = owner_ids(user, scope(user, Entity.DEAL, Action.VIEW))
    if ids is None:
        return plans
    teams = set()
    if user.team_id:
        reach = scope(user, Entity.DEAL, Action.VIEW)
        teams = _team_ids_below(user.team_id) if reach == Scope.SUBTREE else {user.team_id}
    return plans.filter(
        models.Q(owner_id__in=sorted(ids))
        | models.Q(team_id__in=sorted(teams))
        | models.Q(owner__isnull=True, team__isnull=True)
    )


def reports_visible(user, reports: models.QuerySet) -> models.QuerySet:
    """Saved reports a user may open: their own, those shared with everyone, and those
    shared with a team the user is in (or below it). Opening one shows only what the user
    may see: the report runs through `visible` with the user's own rights."""
    if not user or not user.is_authenticated or not user.is_active:
        return reports.none()
    if is_admin(user):
        return reports
    shared = models.Q(sharing="everyone")
    if user.team_id:
        above = _teams_above(user.team_id)
        shared |= models.Q(sharing="team", team_id__in=sorted(above))
    return reports.filter(models.Q(author=user) | shared)


def _teams_above(team_id: int) -> set[int]:
    """A team and the teams it is under (a report shared with a department reaches its
    sub-teams)."""
    parents = dict(Team.objects.values_list("id", "parent_id"))
    found, current = set(), team_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def readable_mailboxes(user, mailboxes: models.QuerySet[M]) -> models.QuerySet[M]:
    """The mailboxes whose letters a user may read: personal ones of the owners whose letters
    the user's role lets them see (their own; a head's team's), and the shared ones given to
    the user's team or to a team above it. A letter is as visible as its mailbox."""
    if not user or not user.is_authenticated or not user.is_active:
        return mailboxes.none()
    ids = owner_ids(user, scope(user, Entity.EMAIL, Action.VIEW))
    if ids is None:
        return mailboxes
    condition = models.Q(is_shared=False, owner_id__in=sorted(ids))
    if user.team_id:
        condition |= models.Q(is_shared=True, team_id__in=sorted(_teams_above(user.team_id)))
    if scope(user, Entity.EMAIL, Action.VIEW) == Scope.SUBTREE and user.team_id:
        condition |= models.Q(is_shared=True, team_id__in=sorted(_team_ids_below(user.team_id)))
    return mailboxes.filter(condition)


def can_send_from(user, mailbox) -> bool:
    """Letters leave a personal mailbox only by its owner's hand; a shared one by any member
    of its team (or of a team below it) and by administrators."""
    if not user or not user.is_authenticated or not user.is_active or not mailbox.is_active:
        return False
    if not mailbox.is_shared:
        return mailbox.owner_id == user.pk
    if is_admin(user):
        return True
    return bool(user.team_id and mailbox.team_id in _teams_above(user.team_id))


def can_configure_mailbox(user, mailbox) -> bool:
    """A personal mailbox is set up by its owner (or an administrator); a shared one by an
    administrator only."""
    if is_admin(user):
        return True
    return bool(user and user.is_active and not mailbox.is_shared and mailbox.owner_id == user.pk)


def can_change_report(user, report) -> bool:
    """A saved report is changed (and deleted) by its author or an administrator."""
    return report.author_id == user.pk or is_admin(user)


def colleagues(user, entity: str) -> models.QuerySet[User]:
    """Users whose records this user may see: the choices of an "owner" filter."""
    users = User.objects.all()
    ids = owner_ids(user, scope(user, entity, Action.VIEW))
    if ids is None:
        return users
    return users.filter(pk__in=sorted(ids))


__all__ = [
    "Action",
    "Entity",
    "Scope",
    "acting_for",
    "assignable_owners",
    "calendar_team_ids",
    "can",
    "can_administer",
    "can_assign",
    "can_change",
    "can_change_field",
    "can_configure",
    "can_configure_mailbox",
    "can_create",
    "can_delete",
    "can_export",
    "can_hand_over",
    "can_import",
    "can_pass_task",
    "can_see_company_reports",
    "can_see_field",
    "can_send_from",
    "can_send_mailings",
    "can_view",
    "changeable",
    "colleagues",
    "covered_ids",
    "deputies_of",
    "disclosed",
    "exportable",
    "get_changeable",
    "get_deletable",
    "get_visible",
    "heads_team",
    "hidden_fields",
    "is_admin",
    "is_last_admin",
    "readable_mailboxes",
    "readonly_fields",
    "reportable",
    "require",
    "require_administer",
    "require_configure",
    "require_field",
    "require_links",
    "requires_two_factor",
    "visible",
    "visible_events",
]
