"""Forms of the fund pages. They only parse text; the rules (and their messages) are the
actions' (``grants.actions.funds``, ``ledger``, ``spending``, ``disclosures``), and each field is
named as the action's error names it, so a refusal shows beside its field."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.grants.choices import CommitteeRole, DonorKind, MovementKind, SpendingTarget
from shegong.web.forms import StyledForm

TEXT = forms.Textarea(attrs={"rows": 2})


def _char(label: str, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length, **kwargs)


class HostForm(StyledForm):
    def __init__(self, *args: Any, regions: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "region": forms.ChoiceField(
                label="所在区域", choices=[(r.code, r.name) for r in regions]
            ),
            "name": _char("托管慈善组织名称", 80),
            "account_name": _char("收款户名", 80),
            "bank": _char("开户银行", 80),
            "account_no": _char("银行账号", 40),
            "receipt_prefix": _char("票据编号前缀", 12, initial="JZ"),
        }


class FundForm(StyledForm):
    def __init__(self, *args: Any, communities: Any = (), hosts: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "region": forms.ChoiceField(
                label="社区", choices=[(r.code, r.name) for r in communities]
            ),
            "host": forms.ChoiceField(
                label="托管慈善组织", choices=[(h.pk, h.name) for h in hosts]
            ),
            "name": _char("基金名称", 80),
            "agreement_no": _char("协议编号", 40),
            "purpose": _char("设立宗旨", 2000, widget=TEXT),
            "use_scope": _char("资金使用范围", 2000, widget=TEXT),
            "termination_terms": _char("终止情形", 2000, widget=TEXT),
            "leftover_terms": _char("剩余财产处理", 2000, widget=TEXT),
        }


class AgreementForm(StyledForm):
    agreement_no = _char("协议编号", 40)
    purpose = _char("设立宗旨", 2000, widget=TEXT)
    use_scope = _char("资金使用范围", 2000, widget=TEXT)
    termination_terms = _char("终止情形", 2000, widget=TEXT)
    leftover_terms = _char("剩余财产处理", 2000, widget=TEXT)


class MemberForm(StyledForm):
    name = _char("姓名", 40)
    role = forms.ChoiceField(label="职务", choices=CommitteeRole.choices)
    unit = _char("工作单位/身份", 80)
    phone = _char("联系电话", 20)


class DonationForm(StyledForm):
    kind = forms.ChoiceField(
        label="收入类型",
        choices=[("cash", "现金捐赠"), ("goods", "物资捐赠"), ("exchange", "资源置换")],
    )
    donor_name = _char("捐赠方", 80)
    donor_kind = forms.ChoiceField(label="捐赠方类型", choices=DonorKind.choices)
    anonymous = forms.BooleanField(label="对外匿名（公示显示为爱心人士）", required=False)
    amount = _char("现金金额（元）", 20)
    item_name = _char("物资/服务名称", 60)
    unit = _char("单位", 10, initial="件")
    quantity = _char("数量", 20)
    unit_value = _char("单价（元）", 20)
    is_service = forms.BooleanField(label="服务类", required=False)
    recognition = _char("反哺回馈（资源置换必填）", 200)
    note = _char("摘要", 200)


class PledgeForm(StyledForm):
    donor_name = _char("认捐方", 80)
    donor_kind = forms.ChoiceField(label="认捐方类型", choices=DonorKind.choices)
    amount = _char("认捐金额（元）", 20)
    due_on = forms.DateField(
        label="兑现期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    anonymous = forms.BooleanField(label="对外匿名", required=False)


class PickField(forms.ChoiceField):
    """A select of the candidates the page offers; whatever is posted is passed on, for the
    action checks it (the choice may have closed since the page was drawn)."""

    def valid_value(self, value: Any) -> bool:
        return True


# The select of each linked target kind: (field, label) — the field is the action's.
TARGET_FIELDS = {
    SpendingTarget.GRANT: ("project", "公益创投项目"),
    SpendingTarget.ACTION_ITEM: ("action_item", "议事厅落地实事"),
    SpendingTarget.STANDING_ORDER: ("standing_order", "常态化服务"),
}


def _pick(kind: str, offered: Any, empty: str) -> PickField:
    label = TARGET_FIELDS[SpendingTarget(kind)][1]
    choices = [(c.id, c.label) for c in offered]
    return PickField(
        label=label, required=False,
        choices=[("", "请选择…" if choices else empty), *choices],
        widget=forms.Select(attrs={"data-target-kind": kind}),
    )  # fmt: skip


class SpendingForm(StyledForm):
    def __init__(
        self, *args: Any, items: Any = (), targets: Any = None, empty: Any = None,
        **kwargs: Any,
    ):  # fmt: skip
        """``targets``: {target kind: the candidates (``queries.targets``)}; ``empty``: what an
        empty select of each kind says."""
        super().__init__(*args, **kwargs)
        targets, empty = targets or {}, empty or {}
        self.fields = {
            "title": _char("项目名称", 80),
            "purpose": _char("用途说明", 2000, widget=TEXT),
            "target": forms.ChoiceField(
                label="支出去向",
                choices=SpendingTarget.choices,
                initial="other",
                widget=forms.Select(attrs={"data-target-choice": ""}),
            ),
            **{
                field: _pick(kind, targets.get(kind, ()), empty.get(kind, "本社区暂无可选的项目"))
                for kind, (field, _label) in TARGET_FIELDS.items()
            },
            "payee": _char("收款方", 80),
            "amount": _char("现金金额（元）", 20),
            "item": forms.ChoiceField(
                label="或使用物资/服务",
                required=False,
                choices=[
                    ("", "—"),
                    *((i.pk, f"{i.name}（结存 {i.quantity_left}{i.unit}）") for i in items),
                ],
            ),
            "quantity": _char("物资数量", 20),
            "beneficiaries": _char("惠及人次", 10),
        }


class DecideForm(StyledForm):
    def __init__(self, *args: Any, supervisors: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "approve": forms.ChoiceField(
                label="审议结果", choices=[("1", "批准"), ("0", "不批准")]
            ),
            "resolution": _char("管委会决议（会议、日期）", 300),
            "votes_for": _char("赞成票", 3),
            "votes_against": _char("反对票", 3),
            "supervisor": forms.ChoiceField(
                label="监督员",
                choices=[("", "—"), *((m.pk, m.name) for m in supervisors)],
                required=False,
            ),
            "supervisor_opinion": _char("监督员意见（必填）", 1000, widget=TEXT),
        }


class PayForm(StyledForm):
    note = _char("摘要", 200)


class ReasonForm(StyledForm):
    reason = _char("原因", 200)


class DiscloseForm(StyledForm):
    month = _char("公示月份", 7, widget=forms.TextInput(attrs={"type": "month"}))


class CloseForm(StyledForm):
    leftover_to = _char("剩余资金去向（按协议）", 80)
    note = _char("说明", 200)


class LedgerFilterForm(StyledForm):
    compact = True
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *MovementKind.choices]
    )
    month = _char("月份", 7, widget=forms.TextInput(attrs={"type": "month"}))
    donor = _char("捐赠方/收款方", 40)
