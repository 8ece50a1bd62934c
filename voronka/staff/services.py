"""Users, teams and roles changed by an administrator. Every change goes to the
administration journal (audit.services.record_setting: who, when, before, after)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import (
    Invitation,
    Role,
    RolePermission,
    Team,
    User,
)
from voronka.audit.models import Verb
from voronka.audit.services import record_setting, setting_snapshot

INVITATION_DAYS = 3

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "middle_name",
    "email",
    "position",
    "phone",
    "team",
    "role",
    "manager",
    "language",
    "timezone",
]


def _check_admin_kept(user: User, *, role: Role | None, is_active: bool) -> None:
    """The last active administrator keeps their rights: someone must be able to come back."""
    stays_admin = is_active and (user.is_superuser or bool(role and role.is_admin))
    if not stays_admin and access.is_last_admin(user):
        raise ValidationError(
            _("This is the last active administrator: make someone else an administrator first.")
        )


def invite_user(*, actor: User, data: dict, base_url: str) -> tuple[User, str]:
    """A new user without a password, and a letter with a link to set one (valid for
    INVITATION_DAYS days). Returns the user and the link."""
    with transaction.atomic():
        user = User(**{k: v for k, v in data.items() if k in USER_FIELDS})
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        record_setting(actor=actor, setting=user, verb=Verb.SETTING_ADDED)
    link = send_invitation(actor=actor, user=user, base_url=base_url)
    return user, link


def send_invitation(*, actor: User, user: User, base_url: str) -> str:
    """A new link to set the password (the earlier ones stop working), sent by e-mail."""
    Invitation.objects.filter(user=user, used_at__isnull=True).delete()
    _invitation, key = Invitation.issue(user=user, created_by=actor, days=INVITATION_DAYS)
    link = base_url.rstrip("/") + reverse("accounts:invitation", args=[key])
    with translation.override(user.language):
        context = {"user": user, "link": link, "days": INVITATION_DAYS, "actor": actor}
        subject = render_to_string("staff/email/invitation_subject.txt", context).strip()
        body = render_to_string("staff/email/invitation.txt", context)
    if user.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return link


def update_user(*, actor: User, user: User, data: dict) -> User:
    stored = User.objects.get(pk=user.pk)
    before = setting_snapshot(stored)
    role = data.get("role", user.role)
    _check_admin_kept(stored, role=role, is_active=stored.is_active)
    for name, value in data.items():
        if name in USER_FIELDS:
            setattr(user, name, value)
    if user.manager_id == user.pk:
        raise ValidationError({"manager": _("A user cannot be their own manager.")})
    user.full_clean(exclude=["password"])
    user.save()
    access.forget(user)
    record_setting(actor=actor, setting=user, verb=Verb.SETTING_CHANGED, before=before)
    return user


def set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate (the user's records stay theirs until handed over) or bring back."""
    before = setting_snapshot(user)
    if not active:
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate yourself."))
        _check_admin_kept(user, role=user.role, is_active=False)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Invitation.objects.filter(user=user, used_at__isnull=True).delete()
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_setting(actor=actor, setting=user, verb=Verb.SETTING_CHANGED, before=before)
    return user


# --- roles -------------------------------------------------------------------------------

ROLE_FIELDS = [
    "code",
    "name",
    "is_admin",
    "can_hand_over",
    "can_configure",
    "can_see_company_reports",
    "can_send_mailings",
    "require_two_factor",
    "field_modes",
]


@transaction.atomic
def save_role(
    *,
    actor: User,
    role: Role,
    data: dict,
    rules: dict[tuple[str, str], str],
    field_rules: dict[tuple[str, str], str],
) -> Role:
    """A role with its matrix (entity, action) → scope and its field rules (entity, field) →
    hidden/readonly; a missing field rule means the field is shown and changeable."""
    stored = Role.objects.filter(pk=role.pk).first() if role.pk else None
    if (
        stored is not None
        and stored.is_admin
        and not data.get("is_admin", True)
        and stored.users.filter(is_active=True).exists()
        and not access.active_admins().exclude(role=stored).exists()
    ):
        raise ValidationError(
            _("This role's users are the only administrators: keep it an administrator role.")
        )
    before = setting_snapshot(stored) if stored else None
    for name, value in data.items():
        if name in ROLE_FIELDS:
            setattr(role, name, value)
    role.field_modes = {f"{entity}.{name}": mode for (entity, name), mode in field_rules.items()}
    role.full_clean()
    role.save()
    record_setting(
        actor=actor,
        setting=role,
        verb=Verb.SETTING_CHANGED if stored else Verb.SETTING_ADDED,
        before=before,
    )
    _save_rules(actor, role, rules)
    return role


def _save_rules(actor: User, role: Role, rules: dict[tuple[str, str], str]) -> None:
    current = {(r.entity, r.action): r for r in RolePermission.objects.filter(role=role)}
    for (entity, action), scope in rules.items():
        rule = current.get((entity, action))
        if rule is None:
            rule = RolePermission.objects.create(
                role=role, entity=entity, action=action, scope=scope
            )
            record_setting(actor=actor, setting=rule, verb=Verb.SETTING_ADDED)
        elif rule.scope != scope:
            before = setting_snapshot(rule)
            rule.scope = scope
            rule.save(update_fields=["scope"])
            record_setting(actor=actor, setting=rule, verb=Verb.SETTING_CHANGED, before=before)


@transaction.atomic
def copy_role(*, actor: User, role: Role) -> Role:
    """A new role with the same rights, field rules and abilities, named «… (copy)»."""
    code, n = f"{role.code}-copy"[:50], 2
    while Role.objects.filter(code=code).exists():
        code, n = f"{role.code}-copy-{n}"[:50], n + 1
    copy = Role(
        code=code,
        name=_("%(name)s (copy)") % {"name": role.name},
        **{name: getattr(role, name) for name in ROLE_FIELDS if name not in ("code", "name")},
    )
    copy.save()
    record_setting(actor=actor, setting=copy, verb=Verb.SETTING_ADDED)
    RolePermission.objects.bulk_create(
        RolePermission(role=copy, entity=r.entity, action=r.action, scope=r.scope)
        for r in role.permissions.all()
    )
    return copy


@transaction.atomic
def delete_role(*, actor: User, role: Role) -> None:
    if role.users.exists():
        raise ValidationError(_("Users have this role: give them another one first."))
    record_setting(actor=actor, setting=role, verb=Verb.SETTING_DELETED)
    role.delete()


# --- teams -------------------------------------------------------------------------------


def _check_parent(team: Team, parent: Team | None) -> None:
    if parent is None or team.pk is None:
        return
    if parent.pk in access.team_ids_below(team.pk):
        raise ValidationError({"parent": _("A team cannot be placed under itself.")})


def save_team(*, actor: User, team: Team, data: dict) -> Team:
    stored = Team.objects.filter(pk=team.pk).first() if team.pk else None
    before = setting_snapshot(stored) if stored else None
    _check_parent(team, data.get("parent"))
    for name in ("name", "parent", "head"):
        if name in data:
            setattr(team, name, data[name])
    if stored is None:
        siblings = Team.objects.filter(parent=team.parent)
        team.order = (max(siblings.values_list("order", flat=True), default=0) or 0) + 1
    team.full_clean()
    team.save()
    record_setting(
        actor=actor,
        setting=team,
        verb=Verb.SETTING_CHANGED if stored else Verb.SETTING_ADDED,
        before=before,
    )
    return team


@transaction.atomic
def move_team(*, actor: User, team: Team, parent: Team | None, position: int) -> Team:
    """Put a team under `parent` (None: at the top) at `position` among its siblings."""
    _check_parent(team, parent)
    before = setting_snapshot(team)
    siblings = list(
        Team.objects.filter(parent=parent).exclude(pk=team.pk).order_by("order", "name")
    )
    position = max(0, min(position, len(siblings)))
    siblings.insert(position, team)
    team.parent = parent
    team.save(update_fields=["parent"])
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            Team.objects.filter(pk=sibling.pk).update(order=order)
    team.order = position + 1
    record_setting(actor=actor, setting=team, verb=Verb.SETTING_CHANGED, before=before)
    return team


@transaction.atomic
def delete_team(*, actor: User, team: Team) -> None:
    if team.members.exists() or team.children.exists():
        raise ValidationError(_("The team has members or sub-teams: move them first."))
    record_setting(actor=actor, setting=team, verb=Verb.SETTING_DELETED)
    try:
        with transaction.atomic():
            team.delete()
    except ProtectedError:
        raise ValidationError(
            _("The team is in use (mailboxes, plans, reports): it cannot be deleted.")
        ) from None
