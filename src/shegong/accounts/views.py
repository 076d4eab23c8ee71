"""Account pages: login, password, scope switch, account management, API tokens.

Views are thin adapters (STYLE.md rule 11): parse the form, check access, call one action, show
the result. Every ``DomainError`` becomes a message on the page; an account outside the caller's
scope is a 404, the same as a missing one.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write, render_partial_or_full
from shegong.core.perms import Perm, Role, require_perm
from shegong.core.scope import in_subtree
from shegong.web.forms import add_domain_error, run_action

from . import actions, twofactor
from .forms import (
    LOCKED_OUT_MESSAGE,
    DisableSecondFactorForm,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    SecondFactorForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
    password_help,
)
from .middleware import SCOPE_SESSION_KEY
from .models import Membership, User
from .queries import access_token, access_user

PAGE_SIZE = 20

# --- login, logout, password ----------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "idle_minutes": settings.SESSION_IDLE_MINUTES}


logout_view = auth_views.LogoutView.as_view()


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None, *a: Any, **k: Any
) -> HttpResponse:
    """django-axes calls this when an account is locked (AXES_LOCKOUT_CALLABLE)."""
    return login_refused(request, locked_message=LOCKED_OUT_MESSAGE)


def login_refused(request: HttpRequest, *, retry_after: int = 0, **message: str) -> HttpResponse:
    """The login page with a 429 message (``locked_message`` or ``throttle_message``) above an
    empty form, for a locked account or a throttled address."""
    # Unbound on purpose: binding would validate, i.e. try to authenticate once more.
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "idle_minutes": settings.SESSION_IDLE_MINUTES, **message}
    response = render(request, "accounts/login.html", context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def password_change(request: HttpRequest) -> HttpResponse:
    return _password_change(request, "accounts/password_change.html", "home")


def m_password_change(request: HttpRequest) -> HttpResponse:
    """修改密码 in the phone shell (``/m/password/``): the same form and action, back to 我的."""
    return _password_change(request, "accounts/m_password_change.html", "m_me")


def _password_change(request: HttpRequest, template: str, done: str) -> HttpResponse:
    first = request.GET.get("first") == "1" or request.user.must_change_password
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_action(
            form,
            actions.change_password,
            request.user,
            actor=request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        )
        if not form.errors:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect(done)
    return render(
        request,
        template,
        {"form": form, "first": first, "policy": password_help()},
        status=422 if form.errors else 200,
    )


# --- second factor ---------------------------------------------------------------------------


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("home")


def _second_factor_passed(request: HttpRequest, device: Any) -> None:
    """Mark the session verified by ``device``; a new session key for the raised privilege."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(twofactor.SECOND_FACTOR_PENDING_KEY, None)


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step: the authenticator's code, or one recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request, request.GET.get("next", "")))
    if twofactor.confirmed_totp(user) is None:
        return redirect("otp_setup")
    form = SecondFactorForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        device = run_action(
            form, actions.verify_second_factor, user, code=form.cleaned_data["code"]
        )
        if not form.errors:
            _second_factor_passed(request, device)
            left = twofactor.recovery_codes_left(user)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(request, f"已使用一个恢复码，剩余 {left} 个；用完前请重新生成")
            return redirect(_safe_next(request, next_url))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": next_url},
        status=getattr(form, "error_status", 422) if form.errors else 200,
    )


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: the QR code and secret, confirmed with a first code."""
    user = request.user
    if twofactor.confirmed_totp(user) is not None:
        return redirect("otp_manage" if user.is_verified() else "otp_verify")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = run_action(
            form, actions.confirm_totp, user, actor=user, code=form.cleaned_data["code"]
        )
        if not form.errors:
            device, codes = result
            _second_factor_passed(request, device)
            messages.success(request, "两步验证已启用")
            return _codes_page(request, codes)
    device = actions.start_totp_enrolment(user, actor=user)
    response = render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "required": twofactor.is_required(user),
        },
        status=getattr(form, "error_status", 422) if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    text = "社工平台两步验证恢复码（每个只能使用一次）\n" + "\n".join(codes) + "\n"
    response = render(request, "accounts/otp_codes.html", {"codes": codes, "download_text": text})
    response["Cache-Control"] = "no-store"
    return response


def otp_manage(
    request: HttpRequest, disable_form: DisableSecondFactorForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "enrolled": twofactor.confirmed_totp(user) is not None,
        "required": twofactor.is_required(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "disable_form": disable_form or DisableSecondFactorForm(),
    }
    return render(request, "accounts/otp_manage.html", context, status=status)


@require_POST
def otp_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = actions.regenerate_recovery_codes(request.user, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("otp_manage")
    messages.success(request, "已重新生成恢复码，旧的恢复码已失效")
    return _codes_page(request, codes)


@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    form = DisableSecondFactorForm(request.POST)
    if form.is_valid():
        run_action(
            form,
            actions.disable_second_factor,
            request.user,
            actor=request.user,
            password=form.cleaned_data["password"],
        )
        if not form.errors:
            messages.success(request, "两步验证已停用")
            return redirect("otp_manage")
    return otp_manage(request, disable_form=form, status=getattr(form, "error_status", 422))


# --- scope switcher -------------------------------------------------------------------------


@require_POST
def switch_scope(request: HttpRequest) -> HttpResponse:
    try:
        membership_id = int(request.POST.get("membership_id", ""))
        membership = actions.switch_scope(
            request.user, actor=request.user, membership_id=membership_id
        )
    except (ValueError, NotFound):  # not a number, or not one of the user's own memberships
        messages.error(request, "未找到该工作范围")
    else:
        request.session[SCOPE_SESSION_KEY] = membership.pk
        messages.success(request, f"已切换到：{membership}")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return redirect(target)


# --- account management ---------------------------------------------------------------------


def users(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    form = UserFilterForm(request.GET or None, actor=request.user)
    qs = User.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__contains=data["q"]) | Q(phone__contains=data["q"]))
        if data["role"]:
            qs = qs.filter(memberships__role=data["role"])
        if data["region"]:
            inside = in_subtree(Membership.objects.all(), data["region"].prefix)
            qs = qs.filter(pk__in=inside.values("user_id"))
        if data["active"]:
            qs = qs.filter(is_active=data["active"] == "1")
    qs = (
        qs.distinct()
        .order_by("-date_joined", "-id")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("region", "department")
            )
        )
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": request.user.has_perm_in_scope(Perm.ACCOUNTS_MANAGE),
    }
    return render_partial_or_full(
        request, "accounts/users.html", context, "accounts/_users_table.html"
    )


def user_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNTS_MANAGE)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = run_action(
            form,
            actions.create_user,
            actor=request.user,
            phone=data["phone"],
            name=data["name"],
            password=data["password"],
            role=Role(data["role"]),
            region=data["region"],
            department=data["department"],
            id_number=data["id_number"],
        )
        if not form.errors:
            messages.success(request, f"已创建账号：{user.name_masked}（首次登录须修改密码）")
            return redirect_after_write(request, reverse("accounts:user", args=[user.pk]))
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "policy": password_help()},
        status=422 if form.errors else 200,
    )


def _detail(request: HttpRequest, user: User, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(
        request, "accounts/user_detail.html", _detail_context(request, user, **extra), status=status
    )


def _detail_context(request: HttpRequest, user: User, **extra: Any) -> dict[str, Any]:
    from axes.models import AccessAttempt

    actor = request.user
    can_manage = actor.has_perm_in_scope(Perm.ACCOUNTS_MANAGE)
    # One row per address the account was tried from (the lockout is per account and address).
    attempts = list(
        AccessAttempt.objects.filter(
            username=user.phone, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        ).values_list("failures_since_start", flat=True)
    )
    can_secure = actor.has_perm_in_scope(Perm.SECURITY_MANAGE)
    context = {
        "target": user,
        "memberships": user.memberships.select_related("region", "department").order_by("id"),
        "can_manage": can_manage and user.pk != actor.pk,
        # Nobody grants or revokes their own roles (actions refuse it too).
        "can_grant": actor.has_perm_in_scope(Perm.ROLES_GRANT) and user.pk != actor.pk,
        "can_secure": can_secure and user.pk != actor.pk,
        "can_secure_view": can_secure,
        "second_factor": can_secure and twofactor.confirmed_totp(user) is not None,
        "can_reveal": actor.has_perm_in_scope(Perm.PII_REVEAL),
        "failures": sum(attempts),
        "locked": any(failures >= settings.AXES_FAILURE_LIMIT for failures in attempts),
        "grant_form": GrantForm(actor=actor, prefix="grant"),
        "reset_form": ResetPasswordForm(prefix="reset"),
        **extra,
    }
    return context


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    return _detail(request, access_user(request.user, pk))


@require_POST
def user_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number once; ``reveal_pii`` checks the permission and audits it."""
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    user = access_user(request.user, pk)
    try:
        value = actions.reveal_pii(user, actor=request.user, field="id_number")
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect_after_write(request, reverse("accounts:user", args=[pk]))
    context = _detail_context(request, user, revealed=value or "（未登记）")
    return render_partial_or_full(
        request, "accounts/user_detail.html", context, "accounts/_revealed.html"
    )


USER_VERBS = {
    "reset_password": "已重置密码，用户下次登录时须修改",
    "deactivate": "账号已停用",
    "reactivate": "账号已启用",
    "clear_lockout": "已解除登录锁定",
    "reset_2fa": "已重置两步验证，该账号须重新启用",
}


@require_POST
def user_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One button on the detail page → one action."""
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    user = access_user(request.user, pk)
    if verb not in USER_VERBS:
        raise Http404("未知操作")
    reset_form = ResetPasswordForm(request.POST, prefix="reset")
    try:
        if verb == "reset_password":
            if not reset_form.is_valid():
                return _detail(request, user, reset_form=reset_form, status=422)
            actions.reset_password(
                user, actor=request.user, new_password=reset_form.cleaned_data["new_password"]
            )
        elif verb in ("deactivate", "reactivate"):
            actions.set_active(user, actor=request.user, active=verb == "reactivate")
        elif verb == "reset_2fa":
            actions.reset_second_factor(user, actor=request.user)
        else:
            actions.clear_lockout(user, actor=request.user)
    except DomainError as exc:
        if verb == "reset_password" and exc.errors:
            add_domain_error(reset_form, exc)
            return _detail(request, user, reset_form=reset_form, status=exc.status)
        messages.error(request, exc.detail)
    else:
        messages.success(request, USER_VERBS[verb])
    return redirect_after_write(request, reverse("accounts:user", args=[pk]))


@require_POST
def user_grant(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    user = access_user(request.user, pk)
    form = GrantForm(request.POST, actor=request.user, prefix="grant")
    if not form.is_valid():
        return _detail(request, user, grant_form=form, status=422)
    membership = run_action(
        form,
        actions.grant_membership,
        user,
        actor=request.user,
        role=Role(form.cleaned_data["role"]),
        region=form.cleaned_data["region"],
        department=form.cleaned_data["department"],
    )
    if form.errors:
        return _detail(request, user, grant_form=form, status=form.error_status)
    messages.success(request, f"已授予角色：{membership}")
    return redirect_after_write(request, reverse("accounts:user", args=[pk]))


@require_POST
def user_revoke(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNTS_VIEW)
    user = access_user(request.user, pk)
    found = user.memberships.select_related("region").filter(pk=membership).first()
    if found is None:
        raise Http404("未找到该角色")
    try:
        actions.revoke_membership(found, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已撤销角色：{found}")
    return redirect_after_write(request, reverse("accounts:user", args=[pk]))


# --- API tokens (one's own) -----------------------------------------------------------------


def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    plaintext = None
    status = 200
    if request.method == "POST" and form.is_valid():
        created = run_action(
            form,
            actions.create_token,
            request.user,
            actor=request.user,
            name=form.cleaned_data["name"],
        )
        if form.errors:
            status = form.error_status
        else:
            token, plaintext = created
            form = TokenForm()
            messages.success(request, f"已创建访问令牌「{token.name}」")
    context = {
        "form": form,
        "plaintext": plaintext,
        "tokens": request.user.api_tokens.order_by("-created_at"),
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    if plaintext:
        response["Cache-Control"] = "no-store"  # the plaintext must not linger in a cache
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access_token(request.user, pk)
    actions.revoke_token(token, actor=request.user)
    messages.success(request, f"已吊销访问令牌「{token.name}」")
    return redirect_after_write(request, reverse("accounts:tokens"))
