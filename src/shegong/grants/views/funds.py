"""Staff pages of community charity funds (社区慈善基金): the fund list with balances, a new host
and fund, a fund's page (agreement, committee, the ledger with its running balance and filters,
items with quantity left, pledges, spending, disclosures, the forms of its verbs), the ledger's
Excel export for a period, and the spending queue with each spending's page (decide, pay)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.perms import Perm, require_perm
from shegong.grants.actions import disclosures, funds, ledger, spending
from shegong.grants.choices import FundStatus, SpendingStatus
from shegong.grants.forms.funds import (
    TARGET_FIELDS,
    AgreementForm,
    CloseForm,
    DecideForm,
    DiscloseForm,
    DonationForm,
    FundForm,
    HostForm,
    LedgerFilterForm,
    MemberForm,
    PayForm,
    PledgeForm,
    ReasonForm,
    SpendingForm,
)
from shegong.grants.models import Fund, Movement, Spending
from shegong.grants.queries import funds as fund_queries
from shegong.grants.queries import may_manage_funds, targets
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

PAGE = 30


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def fund_list(request: HttpRequest) -> HttpResponse:
    """社区慈善基金: every fund in scope with its host account and balance, and the numbers."""
    user = request.user
    require_perm(user, Perm.FUNDS_VIEW)
    qs = fund_queries.funds_for_staff(user).select_related("region", "host")
    dormant = request.GET.get("dormant") == "1"
    shown = fund_queries.flagged(user).select_related("region", "host") if dormant else qs
    context = {
        "funds": list(shown.order_by("region_id", "name")),
        "dormant": dormant,
        "headline": fund_queries.headline(qs),
        "can_manage": may_manage_funds(user),
        "hosts": fund_queries.hosts_for_staff(user),
    }
    return render(request, "grants/funds/fund_list.html", context)


def host_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.FUNDS_MANAGE)
    regions = Region.objects.visible_to(user).filter(level__in=("district", "street"))
    form = HostForm(request.POST or None, regions=regions.order_by("code"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            host = run_action(form, funds.save_host, user, **form.cleaned_data)
            if host is not None:
                messages.success(request, f"已登记托管慈善组织：{host.name}")
                return redirect(reverse("grants:funds"))
        status = getattr(form, "error_status", 422)
    return render(
        request, "grants/funds/form.html",
        {"form": form, "title": "登记托管慈善组织", "submit": "登记"}, status=status,
    )  # fmt: skip


def fund_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.FUNDS_MANAGE)
    communities = Region.objects.visible_to(user).filter(level="community").order_by("code")
    form = FundForm(
        request.POST or None, communities=communities, hosts=fund_queries.hosts_for_staff(user)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fund = run_action(form, funds.create_fund, user, **form.cleaned_data)
            if fund is not None:
                messages.success(request, f"已设立：{fund.name}（筹备中）")
                return redirect(reverse("grants:fund", args=[fund.pk]))
        status = getattr(form, "error_status", 422)
    return render(
        request, "grants/funds/form.html",
        {"form": form, "title": "设立社区慈善基金", "submit": "设立"}, status=status,
    )  # fmt: skip


# The forms of a fund's page: verb → label.
FUND_FORMS = {
    "donate": "登记收入", "pledge": "登记认捐", "member": "增补管委会成员",
    "spend": "申请支出", "activate": "启用基金", "agreement": "修改协议",
    "disclose": "生成收支公示", "wind_up": "进入清算", "close": "终止基金",
}  # fmt: skip


def _spend_targets(fund: Fund) -> dict[str, Any]:
    """The candidates of each linked target kind (only an active fund spends)."""
    if fund.status != FundStatus.ACTIVE:
        return {}
    return {kind: targets.spending_targets(fund, kind) for kind in TARGET_FIELDS}


def _fund_forms(fund: Fund, post: Any = None) -> dict[str, Any]:
    items = fund.items.filter(quantity_left__gt=0).order_by("name")
    return {
        "donate": DonationForm(post, prefix="donate"),
        "pledge": PledgeForm(post, prefix="pledge"),
        "member": MemberForm(post, prefix="member"),
        "spend": SpendingForm(
            post, prefix="spend", items=items, targets=_spend_targets(fund),
            empty=targets.EMPTY,
        ),
        "activate": None,
        "agreement": AgreementForm(post, prefix="agreement", initial={
            "agreement_no": fund.agreement_no, "purpose": fund.purpose,
            "use_scope": fund.use_scope, "termination_terms": fund.termination_terms,
            "leftover_terms": fund.leftover_terms,
        }),
        "disclose": DiscloseForm(post, prefix="disclose"),
        "wind_up": ReasonForm(post, prefix="wind_up"),
        "close": CloseForm(post, prefix="close"),
    }  # fmt: skip


def _fund_context(request: HttpRequest, fund: Fund, **extra: Any) -> dict[str, Any]:
    user = request.user
    manage = may_manage_funds(user)
    allowed: set[str] = set()
    if manage and fund.status == FundStatus.ACTIVE:
        allowed |= {"donate", "pledge", "spend", "disclose", "wind_up"}
    if manage and fund.status in (FundStatus.PREPARING, FundStatus.WINDING_UP):
        allowed.add("activate")
    if manage and fund.status != FundStatus.CLOSED:
        allowed |= {"member", "agreement"}
    if manage and fund.status == FundStatus.WINDING_UP:
        allowed |= {"close", "disclose"}
    forms = _fund_forms(fund)
    forms.update(extra.pop("forms", {}))
    rows = fund_queries.ledger(Movement.objects.filter(fund=fund), request.GET)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return {
        "fund": fund, "allowed": allowed, "forms": forms, "labels": FUND_FORMS,
        "filter": LedgerFilterForm(request.GET or None),
        "page": page, "query": _query_without_page(request),
        "committee": fund.committee.order_by("ended_on", "role", "pk"),
        "items": fund.items.order_by("-received_on", "-pk")[:100],
        "pledges": fund.pledges.order_by("-recorded_at")[:50],
        "spendings": fund.spendings.order_by("-requested_at", "-pk")[:50],
        "disclosures": fund_queries.disclosures_of(fund)[:24],
        "problems": funds.activation_problems(fund) if fund.status != FundStatus.ACTIVE else [],
        "headline": fund_queries.headline(Fund.objects.filter(pk=fund.pk)),
        **extra,
    }  # fmt: skip


@require_safe
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.FUNDS_VIEW)
    fund = fund_queries.access_fund(request.user, pk)
    return render(request, "grants/funds/fund_detail.html", _fund_context(request, fund))


def _fund_call(user: Any, fund: Fund, verb: str, d: dict[str, Any]) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "donate": lambda: ledger.record_donation(
            user, fund, kind=d["kind"], donor_name=d["donor_name"], donor_kind=d["donor_kind"],
            anonymous=d["anonymous"], amount_value=d["amount"], item_name=d["item_name"],
            unit=d["unit"] or "件", quantity_value=d["quantity"], unit_value=d["unit_value"],
            is_service=d["is_service"], recognition=d["recognition"], note=d["note"],
        ),
        "pledge": lambda: ledger.record_pledge(
            user, fund, donor_name=d["donor_name"], donor_kind=d["donor_kind"],
            amount_value=d["amount"], anonymous=d["anonymous"], due_on=d["due_on"],
        ),
        "member": lambda: funds.add_member(user, fund, **d),
        "spend": lambda: spending.request_spending(
            user, fund, title=d["title"], purpose=d["purpose"], target=d["target"],
            action_item=d["action_item"], standing_order=d["standing_order"],
            project=d["project"], payee=d["payee"], amount_value=d["amount"],
            item=d["item"] or None, quantity_value=d["quantity"],
            beneficiaries=d["beneficiaries"] or 0,
        ),
        "activate": lambda: funds.activate(user, fund),
        "agreement": lambda: funds.edit_agreement(user, fund, **d),
        "disclose": lambda: disclosures.disclose(user, fund, d["month"]),
        "wind_up": lambda: funds.wind_up(user, fund, d["reason"]),
        "close": lambda: funds.close(user, fund, leftover_to=d["leftover_to"], note=d["note"]),
    }  # fmt: skip
    return calls[verb]()


@require_POST
def fund_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One form of the fund's page, through its action; errors re-render the page."""
    require_perm(request.user, Perm.FUNDS_VIEW)
    if verb not in FUND_FORMS:
        raise Http404
    fund = fund_queries.access_fund(request.user, pk, for_write=True)
    form = _fund_forms(fund, request.POST)[verb] or ReasonForm(request.POST, prefix=verb)
    done = None
    if form.is_valid():
        done = run_action(form, _fund_call, request.user, fund, verb, dict(form.cleaned_data))
    label = FUND_FORMS[verb]
    if done is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        context = _fund_context(
            request, fund_queries.access_fund(request.user, pk), forms={verb: form},
            failed_verb=verb, action_error=f"{label}未成功：{'；'.join(errors) or '输入有误'}",
        )  # fmt: skip
        status = getattr(form, "error_status", 422)
        return render(request, "grants/funds/fund_detail.html", context, status=status)
    if verb == "donate" and getattr(done, "receipt_no", ""):
        messages.success(request, f"{label}：已完成，票据号 {done.receipt_no}")
    else:
        messages.success(request, f"{label}：已完成")
    if verb == "spend":
        return redirect(reverse("grants:fund_spending", args=[done.pk]))
    return redirect(reverse("grants:fund", args=[fund.pk]))


EXPORT_COLUMNS = [
    excel.Column("编号", 8), excel.Column("发生时间", 18), excel.Column("类型", 10),
    excel.Column("捐赠方/收款方", 20), excel.Column("对外匿名", 8), excel.Column("物资/服务", 16),
    excel.Column("数量", 8), excel.Column("金额/价值（元）", 14),
    excel.Column("现金余额（元）", 14),
    excel.Column("票据号", 18), excel.Column("支出申请", 20), excel.Column("摘要", 30),
    excel.Column("收款账户（托管慈善组织）", 24),
]  # fmt: skip


@require_safe
def fund_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger of a period (the page's filters: month, kind, donor) for the audit, streamed."""
    user = request.user
    require_perm(user, Perm.FUNDS_VIEW)
    fund = fund_queries.access_fund(user, pk)
    qs = fund_queries.ledger(Movement.objects.filter(fund=fund), request.GET).order_by(
        "occurred_at", "pk"
    )
    account = f"{fund.host.name} {fund.host.account_name}"

    def rows() -> Any:
        for m in qs.iterator(chunk_size=1000):
            yield [
                m.pk, timezone.localtime(m.occurred_at).strftime("%Y-%m-%d %H:%M"),
                m.get_kind_display(), m.donor_name, "是" if m.anonymous else "",
                m.item.name if m.item_id else "", float(m.quantity) if m.item_id else "",
                float(m.amount), float(m.balance_after), m.receipt_no,
                m.spending.title if m.spending_id else "", m.note, account,
            ]  # fmt: skip

    filters = {k: request.GET[k] for k in ("month", "kind", "donor") if request.GET.get(k)}
    return audited_xlsx(
        user, verb=Verb.FUNDS_EXPORTED, table="grant_fund_movements", title=f"{fund.name}收支明细",
        columns=EXPORT_COLUMNS, rows=rows(), masked=False, filters={"fund": fund.pk, **filters},
        target=fund, sheet_name="收支明细",
    )  # fmt: skip


# --- spending ---------------------------------------------------------------------------------


@require_safe
def spending_queue(request: HttpRequest) -> HttpResponse:
    """支出审批: 待审议 and 待支付 spendings in scope (or one status), oldest first."""
    user = request.user
    require_perm(user, Perm.FUNDS_VIEW)
    status = request.GET.get("status", "")
    qs = fund_queries.spending_queue(user, status)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page, "rows": list(page.object_list), "status": status,
        "statuses": SpendingStatus.choices, "query": _query_without_page(request),
    }  # fmt: skip
    return render(request, "grants/funds/spending_queue.html", context)


SPENDING_FORMS = {"decide": "管委会审议", "pay": "支付", "cancel": "撤销申请"}


def _spending_forms(s: Spending, post: Any = None) -> dict[str, Any]:
    supervisors = funds.active_members(s.fund).filter(role="supervisor")
    return {
        "decide": DecideForm(post, prefix="decide", supervisors=supervisors),
        "pay": PayForm(post, prefix="pay"),
        "cancel": ReasonForm(post, prefix="cancel"),
    }


def _spending_context(request: HttpRequest, s: Spending, **extra: Any) -> dict[str, Any]:
    manage = may_manage_funds(request.user)
    allowed: set[str] = set()
    if manage and s.status == SpendingStatus.REQUESTED:
        allowed |= {"decide", "cancel"}
    if manage and s.status == SpendingStatus.APPROVED:
        allowed |= {"pay", "cancel"}
    forms = _spending_forms(s)
    forms.update(extra.pop("forms", {}))
    return {
        "s": s, "fund": s.fund, "allowed": allowed, "forms": forms, "labels": SPENDING_FORMS,
        "movement": Movement.objects.filter(spending=s).first(), **extra,
    }  # fmt: skip


@require_safe
def spending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.FUNDS_VIEW)
    s = fund_queries.access_spending(request.user, pk)
    return render(request, "grants/funds/spending_detail.html", _spending_context(request, s))


@require_POST
def spending_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    require_perm(request.user, Perm.FUNDS_VIEW)
    if verb not in SPENDING_FORMS:
        raise Http404
    s = fund_queries.access_spending(request.user, pk, for_write=True)
    form = _spending_forms(s, request.POST)[verb]
    user = request.user
    done = None
    if form.is_valid():
        d = dict(form.cleaned_data)
        calls: dict[str, Callable[[], Any]] = {
            "decide": lambda: spending.decide(
                user, s, approve=d["approve"] == "1", resolution=d["resolution"],
                votes_for=d["votes_for"], votes_against=d["votes_against"],
                supervisor=d["supervisor"], supervisor_opinion=d["supervisor_opinion"],
            ),
            "pay": lambda: spending.pay(user, s, note=d["note"]),
            "cancel": lambda: spending.cancel(user, s, d["reason"]),
        }  # fmt: skip
        done = run_action(form, calls[verb])
    label = SPENDING_FORMS[verb]
    if done is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        context = _spending_context(
            request, fund_queries.access_spending(user, pk), forms={verb: form},
            failed_verb=verb, action_error=f"{label}未成功：{'；'.join(errors) or '输入有误'}",
        )  # fmt: skip
        status = getattr(form, "error_status", 422)
        return render(request, "grants/funds/spending_detail.html", context, status=status)
    messages.success(request, f"{label}：已完成")
    return redirect(reverse("grants:fund_spending", args=[s.pk]))
