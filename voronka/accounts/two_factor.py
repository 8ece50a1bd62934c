"""Two-factor sign-in: a TOTP authenticator (RFC 6238, via pyotp) and one-time recovery
codes. The secret is shown once as a QR code (an SVG made by segno, no script); the recovery
codes are shown once and kept as hashes."""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode, TwoFactorDevice

ISSUER = "Voronka"
RECOVERY_CODES = 10


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def device(user) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user).first()


def is_enabled(user) -> bool:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start(user) -> TwoFactorDevice:
    """The user's authenticator: the one being set up, or a new, unconfirmed secret."""
    found = device(user)
    if found is not None:
        return found
    return TwoFactorDevice.objects.create(user=user, secret=pyotp.random_base32())


def provisioning_uri(found: TwoFactorDevice) -> str:
    return pyotp.TOTP(found.secret).provisioning_uri(name=found.user.username, issuer_name=ISSUER)


def qr_svg_data_uri(found: TwoFactorDevice) -> str:
    """The QR code of the secret as an SVG data URI (an <img>, allowed by the CSP)."""
    return segno.make(provisioning_uri(found), error="m").svg_data_uri(scale=4)


def verify(found: TwoFactorDevice | None, code: str) -> bool:
    """Whether the code is the current one (or the one before or after); a code is accepted
    once only."""
    if found is None:
        return False
    code = (code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit()) or len(code) != 6:
        return False
    totp = pyotp.TOTP(found.secret)
    now = timezone.now()
    counter = totp.timecode(now)
    for step in (-1, 0, 1):
        if counter + step <= found.last_counter:
            continue
        if secrets.compare_digest(totp.generate_otp(counter + step), code):
            TwoFactorDevice.objects.filter(pk=found.pk).update(last_counter=counter + step)
            found.last_counter = counter + step
            return True
    return False


@transaction.atomic
def confirm(found: TwoFactorDevice, code: str) -> list[str] | None:
    """Switch the authenticator on when the code matches: returns new recovery codes."""
    if not verify(found, code):
        return None
    found.confirmed_at = timezone.now()
    found.save(update_fields=["confirmed_at"])
    return new_recovery_codes(found.user)


def new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


def use_recovery_code(user, code: str) -> bool:
    if not code or len(code) > 40:
        return False
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def disable(user) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
