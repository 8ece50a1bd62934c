import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from voronka.accounts import access, signins, throttle, two_factor
from voronka.accounts.models import ApiToken, Invitation, SignInEvent, User
from voronka.calendars.models import CalendarFeed

from . import accounts_forms as forms


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enabled(user):
            # The password was right; the code from the authenticator comes next.
            self.request.session[PENDING_USER] = user.pk
            self.request.session[PENDING_BACKEND] = user.backend
            self.request.session[PENDING_NEXT] = self.get_success_url()
            self.request.session[PENDING_SINCE] = int(time.time())
            return redirect("accounts:login-code")
        signins.record(
            self.request, username=user.username, user=user, outcome=SignInEvent.Outcome.SUCCESS
        )
        return super().form_valid(form)

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "")[:150]
        if username:
            signins.record(
                self.request,
                username=username,
                outcome=SignInEvent.Outcome.THROTTLED
                if form.retry_after
                else SignInEvent.Outcome.BAD_PASSWORD,
            )
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


PENDING_USER = "voronka_2fa_user"
PENDING_BACKEND = "voronka_2fa_backend"
PENDING_NEXT = "voronka_2fa_next"
PENDING_SINCE = "voronka_2fa_since"
# The code must follow the password within this many seconds.
PENDING_SECONDS = 300


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE) or 0
    fresh = time.time() - since < PENDING_SECONDS
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id and fresh else None
    if user is None:
        for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_SINCE):
            request.session.pop(key, None)
        return redirect("accounts:login")
    form = forms.LoginCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        wait = throttle.wait_seconds(username=user.username, address=address)
        code = form.cleaned_data["code"]
        if wait:
            form.add_error(None, throttle.locked_message(wait))
            signins.record(
                request, username=user.username, user=user, outcome=SignInEvent.Outcome.THROTTLED
            )
            status = 429
        elif two_factor.verify(two_factor.device(user), code) or two_factor.use_recovery_code(
            user, code
        ):
            next_url = request.session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
            backend = request.session.get(PENDING_BACKEND)
            for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_SINCE):
                request.session.pop(key, None)
            auth_login(request, user, backend=backend)
            throttle.record_success(username=user.username)
            signins.record(
                request, username=user.username, user=user, outcome=SignInEvent.Outcome.SUCCESS
            )
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
        else:
            throttle.record_failure(username=user.username, address=address)
            signins.record(
                request, username=user.username, user=user, outcome=SignInEvent.Outcome.BAD_CODE
            )
            form.add_error("code", _("The code is wrong or has expired."))
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = forms.ProfileForm(request.POST or None, instance=user)
    token_form = forms.ApiTokenForm()
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        # The same cookie, with the same flags, as Django's own language switch (set_language).
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form,
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),
            "calendar_feed": CalendarFeed.objects.filter(user=user).first(),
            "two_factor_on": two_factor.is_enabled(user),
            "sign_ins": user.sign_ins.all()[:10],
            "new_key": request.session.pop("new_api_key", None),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = forms.ApiTokenForm(request.POST)
    if form.is_valid():
        _token, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        # Shown once on the next page, then forgotten: only the hash is stored.
        request.session["new_api_key"] = key
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Switch the authenticator on: scan the QR code, type a code; recovery codes are shown
    once. Or switch it off (unless the role requires it) or renew the recovery codes."""
    user = request.user
    enabled = two_factor.is_enabled(user)
    codes = None
    form = forms.LoginCodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "disable" and enabled:
            if access.requires_two_factor(user):
                messages.error(request, _("Your role requires two-factor sign-in."))
            else:
                two_factor.disable(user)
                messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:two-factor")
        if action == "codes" and enabled:
            codes = two_factor.new_recovery_codes(user)
        elif action == "confirm" and not enabled and form.is_valid():
            codes = two_factor.confirm(two_factor.start(user), form.cleaned_data["code"])
            if codes is None:
                form.add_error("code", _("The code is wrong or has expired."))
            else:
                enabled = True
                messages.success(request, _("Two-factor sign-in is on."))
    device = None if enabled else two_factor.start(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": enabled,
            "form": form,
            "codes": codes,
            "secret": device.secret if device else "",
            "qr": two_factor.qr_svg_data_uri(device) if device else "",
            "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
            "required": access.requires_two_factor(user),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    """The link of an invitation: the new user sets their password, then signs in."""
    invitation = Invitation.find(key[:100])
    if invitation is None or not invitation.user.is_active:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = invitation.user
    form = forms.SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
        messages.success(request, _("Your password is set. Sign in with it."))
        return redirect(reverse("accounts:login") + "?username=" + user.username)
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})
