"""Users, teams and roles: who works in the CRM and what each of them may see and change."""

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import timezones


def default_language() -> str:
    return settings.LANGUAGE_CODE


def default_timezone() -> str:
    return settings.TIME_ZONE


def timezone_choices() -> list:
    """Grouped and named in the current language (see `timezones`)."""
    return timezones.choices()


class Team(models.Model):
    """A sales team. Teams nest: a head of a team sees the records of its sub-teams too."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent team"),
    )
    head = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_teams",
        verbose_name=_("head"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    NONE = "none", _("nothing")
    OWN = "own", _("own records")
    TEAM = "team", _("records of the own team")
    SUBTREE = "subtree", _("records of the team and its sub-teams")
    ALL = "all", _("all records")


class Entity(models.TextChoices):
    COMPANY = "company", _("companies")
    CONTACT = "contact", _("contacts")
    DEAL = "deal", _("deals")
    ACTIVITY = "activity", _("activities")
    LEAD = "lead", _("leads")
    EMAIL = "email", _("letters")
    CASE = "case", _("cases")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CHANGE = "change", _("change")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")


class Ability(models.TextChoices):
    """Named rights beyond records: stored as flags on the role."""

    HAND_OVER = "hand_over", _("hand clients over")
    CONFIGURE = "configure", _("configure the CRM")
    COMPANY_REPORTS = "company_reports", _("see reports of the whole company")
    MAILINGS = "mailings", _("send mailings")


class FieldMode(models.TextChoices):
    HIDDEN = "hidden", _("hidden")
    READ_ONLY = "readonly", _("read only")


# The fields a role may hide or make read-only, per entity: money of deals and their lines,
# and what we pay suppliers. A hidden field is hidden with what is computed from it.
RULED_FIELDS = {
    "deal": {
        "amount": _("deal amount (and revenue computed from it)"),
        "cost_price": _("cost prices of deal lines (and margins)"),
        "price": _("prices of deal lines"),
    },
    "product": {
        "cost_price": _("supplier (cost) prices of products and price lists"),
    },
}


class Role(models.Model):
    """A set of access rules. Administrators see and change everything."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    is_admin = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("Sees and changes every record and configures the CRM."),
    )
    can_hand_over = models.BooleanField(_("hands clients over"), default=False)
    can_configure = models.BooleanField(_("configures the CRM"), default=False)
    can_see_company_reports = models.BooleanField(
        _("sees reports of the whole company"), default=False
    )
    can_send_mailings = models.BooleanField(_("sends mailings"), default=False)
    require_two_factor = models.BooleanField(
        _("requires two-factor sign-in"),
        default=False,
        help_text=_("Users of this role must sign in with a code from an authenticator app."),
    )
    # {"deal.amount": "hidden", "product.cost_price": "readonly"}: the fields of RULED_FIELDS
    # this role hides or makes read-only. Kept on the role (read with it, no query of its
    # own on every page) and journaled with it.
    field_modes = models.JSONField(_("field rules"), default=dict, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def field_rules(self) -> dict[tuple[str, str], str]:
        """{(entity, field): mode} of the known fields (RULED_FIELDS)."""
        rules = {}
        for key, mode in (self.field_modes or {}).items():
            entity, _dot, name = str(key).partition(".")
            if name in RULED_FIELDS.get(entity, {}) and mode in FieldMode.values:
                rules[(entity, name)] = mode
        return rules


class RolePermission(models.Model):
    """Which records of an entity a role may view, change or delete. A missing rule means own."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="permissions", verbose_name=_("role")
    )
    entity = models.CharField(_("entity"), max_length=20, choices=Entity.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "entity", "action"], name="unique_role_entity_action"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(role)s: %(action)s — %(entity)s") % {
            "role": self.role,
            "action": self.get_action_display(),
            "entity": self.get_entity_display(),
        }


class User(AbstractUser):
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("role"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=default_language
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=timezone_choices, default=default_timezone
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    objects = UserManager()

    # Kept out of the administration journal (audit.services.setting_snapshot).
    history_exclude = ("password", "last_login", "date_joined")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def zone(self) -> datetime.tzinfo:
        """The user's time zone; the server's when theirs is unknown."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            return timezone.get_default_timezone()

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.username


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, key: str):
        return self.filter(key_hash=_hash_key(key), revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for the REST API. Only its hash is stored; the key is shown once, when created."""

    KEY_PREFIX = "vk_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("key starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = cls.KEY_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_key(key), hint=key[:10])
        return token, key


class Invitation(models.Model):
    """A link to set one's password, sent by e-mail. Only the key's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("user"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def issue(cls, *, user, created_by, days: int) -> tuple["Invitation", str]:
        key = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            user=user,
            created_by=created_by,
            key_hash=_hash_key(key),
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        return invitation, key

    @classmethod
    def find(cls, key: str) -> "Invitation | None":
        """The unused, unexpired invitation with this key."""
        return (
            cls.objects.select_related("user")
            .filter(
                key_hash=_hash_key(key or ""),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )


class SignInEvent(models.Model):
    """One attempt to sign in: who (as typed), from where, when, and how it ended."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("signed in")
        BAD_PASSWORD = "password", _("wrong user name or password")
        BAD_CODE = "code", _("wrong one-time code")
        THROTTLED = "throttled", _("too many attempts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sign_ins",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def success(self) -> bool:
        return self.outcome == self.Outcome.SUCCESS


class TwoFactorDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). Confirmed once a code from it matched."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="two_factor",
        verbose_name=_("user"),
    )
    secret = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_counter = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A one-time code to sign in without the authenticator. Only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("user"),
    )
    code_hash = models.CharField(max_length=64, editable=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return str(self.user)


class Deputy(models.Model):
    """A colleague covers for an absent user (отпуск, замещение) for a period: while it lasts
    the deputy sees and works the absent user's records as if they were in the same team,
    without the records changing owner. It ends by itself after `ends_on`."""

    absent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="deputies", verbose_name=_("absent user")
    )
    deputy = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="covering", verbose_name=_("deputy")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="deputy_period_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("deputy")), name="deputy_not_self"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "ends_on"], name="deputy_active_idx")]

    def __str__(self) -> str:
        return gettext("%(deputy)s for %(absent)s") % {
            "deputy": self.deputy.display_name,
            "absent": self.absent.display_name,
        }

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on
