"""党员先锋岗/责任区 and 先进典型: staff pages under /stations/vanguard/, and the public honour
roll under /public/honor/.

Thin adapters (STYLE.md rule 11): check the permission, find the row among ``visible_to(user)``
(another street's row is the same 404 as a missing one), parse the form, call ONE action of
``actions/vanguard.py``. Staff pages show people's names masked. The public roll shows a
published role model's title, year, name, citation and photo — nothing else about the person
(no phone, no ID number, no birth date): a role model's name is public, that is what an honour
roll is for.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core import photos as photo_intake
from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.ledger.models import Organization
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region
from shegong.web.forms import add_domain_error, run_action

from .. import honor_roll as honor_roll_queries
from .. import queries
from ..actions import vanguard
from ..forms.vanguard import PostFilterForm, PostForm, RoleModelForm
from ..models import RoleModel, VanguardPost
from .workers import FORM_LEVELS, _region_choices

PAGE_SIZE = 20
PHOTO_KEYS = {"thumb": "thumb", "full": "path"}
STREET_PREFIX = PREFIX_LENGTH[Level.STREET]
MAX_ORG_OPTIONS = 500


# --- helpers --------------------------------------------------------------------------------


def _streets(user: Any) -> list[tuple[str, str]]:
    return _region_choices(Region.objects.visible_to(user), [Level.STREET])


def _regions(user: Any) -> list[tuple[str, str]]:
    return _region_choices(Region.objects.visible_to(user), FORM_LEVELS)


def _orgs(user: Any) -> list[tuple[str, str]]:
    rows = Organization.objects.visible_to(user).order_by("name").only("pk", "name")
    return [(str(o.pk), o.name) for o in rows[:MAX_ORG_OPTIONS]]


def _post(user: Any, pk: int) -> VanguardPost:
    require_perm(user, Perm.STATIONS_MANAGE)
    return queries.access_post(user, pk)


def _role_model(user: Any, pk: int, *, manage: bool = True) -> RoleModel:
    require_perm(user, Perm.STATIONS_MANAGE if manage else Perm.STATIONS_VIEW)
    return queries.access_role_model(user, pk)


def _filtered_posts(user: Any, form: PostFilterForm) -> QuerySet:
    qs = VanguardPost.objects.visible_to(user)
    if not form.is_valid():
        return qs.none() if form.is_bound else qs
    data = form.cleaned_data
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("active") in ("0", "1"):
        qs = qs.filter(active=data["active"] == "1")
    if data.get("street"):
        street = Region.objects.visible_to(user).filter(code=data["street"]).first()
        qs = in_subtree(qs, street.prefix) if street is not None else qs.none()
    return qs


def _counts(qs: QuerySet) -> dict[str, Any]:
    """Totals by kind and a per-street table, counted by the database (never in Python)."""
    totals = qs.aggregate(
        total=Count("pk"),
        posts=Count("pk", filter=Q(kind="post")),
        areas=Count("pk", filter=Q(kind="area")),
    )
    rows = (
        qs.order_by()
        .annotate(street=Substr("region_id", 1, STREET_PREFIX))
        .values("street")
        .annotate(
            posts=Count("pk", filter=Q(kind="post")),
            areas=Count("pk", filter=Q(kind="area")),
            total=Count("pk"),
        )
        .order_by("street")
    )
    rows = list(rows)
    codes = [r["street"].ljust(12, "0") for r in rows]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for row in rows:
        row["name"] = names.get(row["street"].ljust(12, "0"), row["street"])
    return {**totals, "by_street": rows}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _photo_response(records: Any, index: int, kind: str, *, public: bool) -> FileResponse:
    records = records if isinstance(records, list) else []
    if kind not in PHOTO_KEYS or not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    record = records[index] if isinstance(records[index], dict) else {}
    path = record.get(PHOTO_KEYS[kind]) or ""
    folder = vanguard.PHOTO_FOLDER + "/"
    if not path.startswith(folder) or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the staff page: two tabs ---------------------------------------------------------------


@require_safe
def vanguard_page(request: HttpRequest) -> HttpResponse:
    """党员先锋岗/责任区 (tab "posts", filtered, with counts) and 先进典型 (tab "models")."""
    user = request.user
    require_perm(user, Perm.STATIONS_VIEW)
    tab = "models" if request.GET.get("tab") == "models" else "posts"
    context: dict[str, Any] = {
        "tab": tab,
        "can_manage": user.has_perm_in_scope(Perm.STATIONS_MANAGE),
        "kinds": vanguard.KINDS,
    }
    if tab == "posts":
        form = PostFilterForm(
            {k: v for k, v in request.GET.items() if k != "tab"} or None, streets=_streets(user)
        )
        qs = _filtered_posts(user, form)
        page_qs = (
            qs.select_related("region", "organization")
            .annotate(holder_count=Count("holders"))
            .order_by("region_id", "name", "pk")
        )
        context |= {
            "form": form,
            "counts": _counts(qs),
            "page": Paginator(page_qs, PAGE_SIZE).get_page(request.GET.get("page")),
        }
    else:
        qs = RoleModel.objects.visible_to(user).select_related("person", "region")
        context["page"] = Paginator(qs.order_by("-year", "title", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["model_total"] = qs.count()
    context["query"] = _query(request)
    return render(request, "stations/vanguard_list.html", context)


def _post_render(
    request: HttpRequest, form: PostForm, post: VanguardPost | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "stations/vanguard_form.html", {"form": form, "post": post}, status=status
    )


def _post_values(form: PostForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"], "name": data["name"], "organization": data["organization"] or None,
        "area": data["area"], "holder_id_numbers": data["holders"].split(),
        "region": data["region"], "since": data["since"], "active": data["active"],
    }  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    return _post_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_form(request, _post(request.user, pk))


def _post_form(request: HttpRequest, post: VanguardPost | None) -> HttpResponse:
    user = request.user
    options = {"regions": _regions(user), "orgs": _orgs(user)}
    if request.method in ("GET", "HEAD"):
        initial: dict[str, Any] = {"active": True}
        if post is not None:
            initial = {
                "kind": post.kind, "name": post.name, "area": post.area,
                "organization": str(post.organization_id or ""), "region": post.region_id,
                "since": post.since, "active": post.active,
            }  # fmt: skip
        form = PostForm(initial=initial, **options)
        holders = list(post.holders.all()) if post is not None else []
        return render(
            request,
            "stations/vanguard_form.html",
            {"form": form, "post": post, "holders": holders},
        )
    form = PostForm(request.POST, **options)
    if form.is_valid():
        saved = run_action(
            form, vanguard.save_vanguard_post, post, actor=user, **_post_values(form)
        )
        if not form.errors:
            messages.success(request, f"已保存：{saved.name}")
            return redirect_after_write(request, reverse("stations:vanguard"))
    holders = list(post.holders.all()) if post is not None else []
    return render(
        request,
        "stations/vanguard_form.html",
        {"form": form, "post": post, "holders": holders},
        status=422,
    )


# --- role models (staff) --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def role_model_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.STATIONS_MANAGE)
    return _model_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def role_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _model_form(request, _role_model(request.user, pk))


def _model_form(request: HttpRequest, model: RoleModel | None) -> HttpResponse:
    user = request.user
    regions = _regions(user)
    context: dict[str, Any] = {"model": model, "accept": photo_intake.ACCEPT,
                               "max_photos": vanguard.MAX_ROLE_PHOTOS}  # fmt: skip
    if request.method in ("GET", "HEAD"):
        initial: dict[str, Any] = {"published": True}
        if model is not None:
            initial = {
                "title": model.title, "year": model.year, "citation": model.citation,
                "region": model.region_id, "published": model.published,
            }  # fmt: skip
        context["form"] = RoleModelForm(initial=initial, regions=regions)
        return render(request, "stations/vanguard_model_form.html", context)
    form = RoleModelForm(request.POST, regions=regions)
    context["form"] = form
    if model is None:
        form.fields["person_id_number"].required = True
    if form.is_valid():
        data = form.cleaned_data
        number = data["person_id_number"].strip()
        who: dict[str, Any] = {"person_id_number": number}
        if model is not None and not number:
            who = {"person": model.person_id}
        remove = [int(i) for i in request.POST.getlist("remove_photos") if i.isdigit()]
        try:
            saved = vanguard.save_role_model(
                model, actor=user, title=data["title"], year=data["year"],
                citation=data["citation"], region=data["region"], published=data["published"],
                photos=request.FILES.getlist("photos"), remove_photos=remove, **who,
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
            context["photo_errors"] = [e["message"] for e in exc.errors if e["field"] == "photos"]
        else:
            messages.success(request, f"已保存：{saved.year} {saved.title}")
            return redirect_after_write(request, reverse("stations:vanguard") + "?tab=models")
    return render(request, "stations/vanguard_model_form.html", context, status=422)


@require_safe
def role_model_photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    model = _role_model(request.user, pk, manage=False)
    return _photo_response(model.photo, index, kind, public=False)


# --- the public honour roll -----------------------------------------------------------------


@login_not_required
@require_safe
def honor_roll(request: HttpRequest) -> HttpResponse:
    """光荣榜: published role models of every street, by year (one held by an open objection to
    its 公示 is left out until it is answered). Only the name, title, year, citation and photo —
    nothing else about the person."""
    rows = (
        honor_roll_queries.on_roll()
        .select_related("region", "person")
        .only("pk", "title", "year", "citation", "photo", "person__name", "region__name")
        .order_by("-year", "title", "pk")
    )
    years: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for model in rows[:500]:
        years[model.year].append(
            {
                "pk": model.pk, "title": model.title, "name": model.person.name,
                "citation": model.citation, "region": model.region.name,
                "photos": len(model.photo) if isinstance(model.photo, list) else 0,
            }
        )  # fmt: skip
    return render(
        request, "stations/honor_roll.html", {"years": sorted(years.items(), reverse=True)}
    )


@login_not_required
@require_safe
def honor_photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    """A photo of a published role model (404 for an unpublished or missing one)."""
    model = honor_roll_queries.on_roll().filter(pk=pk).only("photo").first()
    if model is None:
        raise NotFound("未找到该照片")
    return _photo_response(model.photo, index, kind, public=True)
