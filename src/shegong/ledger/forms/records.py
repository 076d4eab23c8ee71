"""Forms of the record pages. They collect text; the schemas of ``schemas.py`` (the same ones
the API and the Excel import use) and the actions check it, and their errors are put back
beside the fields they name (``web.forms.save_through``)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import DATE, DATE_ERRORS, BootstrapMixin, StyledForm

from ..actions.party import FORMAL_TYPES
from ..choices import (
    CONTAINER_KINDS,
    CoverageMode,
    Industry,
    Occupation,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PartyRole,
    PoliticalStatus,
)
from ..models import Organization, PartyOrganization
from ..queries.records import COVERED, KIND_GROUP_LABELS

LEDGER_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Streets, communities and grids in the user's scope, indented by level."""
    indent = {Level.STREET: "", Level.COMMUNITY: "　", Level.GRID: "　　"}
    regions = Region.objects.visible_to(user).filter(level__in=LEDGER_LEVELS).order_by("code")
    return [
        (code, f"{indent.get(level, '')}{name}")
        for code, name, level in regions.values_list("code", "name", "level")
    ]


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- filters ---------------------------------------------------------------------------------


class _FilterForm(StyledForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "region" in self.fields:
            self.fields["region"].choices = _blank("全部区划", region_choices(user))
            self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"

    def criteria(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class OrganizationFilterForm(_FilterForm):
    q = forms.CharField(label="名称/信用代码", required=False, max_length=60)
    region = forms.ChoiceField(label="区划", required=False)
    kind = forms.ChoiceField(
        label="类型", required=False,
        choices=_blank("全部类型", [*KIND_GROUP_LABELS.items(), *OrgKind.choices]),
    )  # fmt: skip
    status = forms.ChoiceField(
        label="状态", required=False, choices=_blank("全部状态", OrgStatus.choices)
    )
    coverage = forms.ChoiceField(
        label="覆盖方式", required=False,
        choices=_blank("全部", [(COVERED, "已组织覆盖（含经入驻单位）"), *CoverageMode.choices]),
    )  # fmt: skip
    has_party_members = forms.ChoiceField(
        label="在职党员", required=False, choices=[("", "不限"), ("1", "有"), ("0", "无")]
    )
    completeness = forms.ChoiceField(
        label="六清楚", required=False,
        choices=[("", "不限"), ("incomplete", "未完整"), ("complete", "已完整")],
    )  # fmt: skip


class PersonFilterForm(_FilterForm):
    q = forms.CharField(label="姓名", required=False, max_length=50)
    id_number = forms.CharField(label="身份证号", required=False, max_length=30)
    region = forms.ChoiceField(label="区划", required=False)
    occupation = forms.ChoiceField(
        label="职业", required=False, choices=_blank("全部职业", Occupation.choices)
    )
    political_status = forms.ChoiceField(
        label="政治面貌", required=False, choices=_blank("全部", PoliticalStatus.choices)
    )
    is_mobile_member = forms.ChoiceField(
        label="流动党员", required=False, choices=[("", "不限"), ("1", "是"), ("0", "否")]
    )


class PartyOrgFilterForm(_FilterForm):
    q = forms.CharField(label="名称", required=False, max_length=60)
    region = forms.ChoiceField(label="区划", required=False)
    type = forms.ChoiceField(
        label="类型", required=False, choices=_blank("全部类型", PartyOrgType.choices)
    )
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("1", "存续"), ("0", "已撤销/转建"), ("", "全部")]
    )


# --- records ---------------------------------------------------------------------------------


class OrganizationForm(BootstrapMixin, forms.Form):
    """Every field of ``OrganizationIn``; the schema validates, the action checks the rest."""

    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    name = forms.CharField(label="名称", max_length=200)
    credit_code = forms.CharField(
        label="统一社会信用代码", required=False, max_length=40,
        help_text="18位；商圈、楼宇、园区、市场可不填",
    )  # fmt: skip
    former_names = forms.CharField(
        label="曾用名", required=False, max_length=400, help_text="多个用逗号分隔"
    )
    region = forms.ChoiceField(label="所属街道/社区/网格")
    address = forms.CharField(label="地址", required=False, max_length=300)
    legal_rep = forms.CharField(label="法定代表人/负责人", required=False, max_length=50)
    legal_rep_phone = forms.CharField(label="负责人电话", required=False, max_length=20)
    investors = forms.CharField(
        label="出资人", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    industry = forms.ChoiceField(
        label="行业门类", required=False, choices=_blank("（未填）", Industry.choices)
    )
    employee_count = forms.CharField(label="从业人员数", required=False, max_length=10)
    party_member_count = forms.CharField(label="党员人数（申报）", required=False, max_length=10)
    party_contact = forms.CharField(label="党务联络员", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", choices=OrgStatus.choices)
    is_platform = forms.BooleanField(label="平台企业", required=False)
    container_id = forms.TypedChoiceField(
        label="所在商圈/楼宇/园区", required=False, coerce=int, empty_value=None
    )
    lat = forms.CharField(label="纬度", required=False, max_length=20)
    lon = forms.CharField(label="经度", required=False, max_length=20)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank("请选择", region_choices(user))
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        # By id: a building or business district often has no credit code.
        containers = (
            Organization.objects.visible_to(user)
            .filter(kind__in=CONTAINER_KINDS)
            .order_by("name")
            .values_list("pk", "name")
        )
        self.fields["container_id"].choices = _blank("（无）", list(containers))
        self.fields["is_platform"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_of(cls, org: Organization) -> dict[str, Any]:
        return {
            **{
                name: getattr(org, name)
                for name in (
                    "kind",
                    "name",
                    "address",
                    "legal_rep",
                    "legal_rep_phone",
                    "investors",
                    "industry",
                    "party_contact",
                    "status",
                    "is_platform",
                    "lat",
                    "lon",
                    "employee_count",
                    "party_member_count",
                )
            },
            "credit_code": org.credit_code or "",
            "former_names": "，".join(org.former_names or []),
            "region": org.region_id,
            "container_id": org.container_id,
        }

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("employee_count", "party_member_count", "lat", "lon"):
            data[name] = (data.get(name) or "").strip() or None
        return data


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30)
    phone = forms.CharField(label="手机号", required=False, max_length=20)
    region = forms.ChoiceField(label="所属街道/社区/网格")
    occupation = forms.ChoiceField(label="职业", choices=Occupation.choices)
    political_status = forms.ChoiceField(label="政治面貌", choices=PoliticalStatus.choices)
    party_joined_on = forms.DateField(
        label="入党时间", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    party_registered_at = forms.CharField(label="组织关系所在", required=False, max_length=200)
    is_mobile_member = forms.BooleanField(label="流动党员", required=False)
    organization_credit_code = forms.CharField(
        label="在职单位（统一社会信用代码）", required=False, max_length=40
    )
    position = forms.CharField(label="职务", required=False, max_length=60)
    is_manager = forms.BooleanField(label="经营管理人员", required=False)

    JOB_FIELDS = ("organization_credit_code", "position", "is_manager")

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank("请选择", region_choices(user))
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        for name in ("is_mobile_member", "is_manager"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        if editing:
            # The ID number is the identity: it is shown masked and never changed here.
            del self.fields["id_number"]
            for name in self.JOB_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_of(cls, person: Any) -> dict[str, Any]:
        names = ("name", "phone", "occupation", "political_status", "party_joined_on",
                 "party_registered_at", "is_mobile_member")  # fmt: skip
        return {**{n: getattr(person, n) for n in names}, "region": person.region_id}


class PartyOrgForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    type = forms.ChoiceField(label="类型", choices=PartyOrgType.choices)
    region = forms.ChoiceField(label="所属街道/社区/网格")
    parent_id = forms.ChoiceField(label="上级党组织", required=False)
    founded_on = forms.DateField(
        label="成立日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    term_end = forms.DateField(
        label="届满日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    secretary = forms.CharField(
        label="书记身份证号", required=False, max_length=30, help_text="须为已登记的党员"
    )

    def __init__(self, *args: Any, user: Any, editing: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank("请选择", region_choices(user))
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        parents = PartyOrganization.objects.visible_to(user).filter(is_active=True)
        if editing is not None:
            parents = parents.exclude(pk=editing.pk)
            del self.fields["secretary"]  # the secretary changes through the member list
        self.fields["parent_id"].choices = _blank(
            "（无）", [(str(p.pk), p.name) for p in parents.order_by("name").only("name")]
        )
        self.fields["parent_id"].error_messages["invalid_choice"] = (
            "上级党组织不存在或不在您的工作范围内"
        )

    @classmethod
    def initial_of(cls, party_org: PartyOrganization) -> dict[str, Any]:
        return {
            "name": party_org.name, "type": party_org.type, "region": party_org.region_id,
            "parent_id": str(party_org.parent_id or ""), "founded_on": party_org.founded_on,
            "term_end": party_org.term_end,
        }  # fmt: skip

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["parent_id"] = int(data["parent_id"]) if data.get("parent_id") else None
        data.pop("secretary", None)
        return data


# --- small forms on the detail pages ---------------------------------------------------------


class EmploymentForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)
    position = forms.CharField(label="职务", required=False, max_length=60)
    is_manager = forms.BooleanField(label="经营管理人员", required=False)
    started_on = forms.DateField(
        label="入职日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["is_manager"].widget.attrs["class"] = "form-check-input"


class CoverageForm(BootstrapMixin, forms.Form):
    mode = forms.ChoiceField(label="覆盖方式", choices=CoverageMode.choices)
    party_org_id = forms.ChoiceField(label="党组织", required=False)
    since = forms.DateField(
        label="起始日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        party_orgs = PartyOrganization.objects.visible_to(user).filter(is_active=True)
        self.fields["party_org_id"].choices = _blank(
            "（无）", [(str(p.pk), p.name) for p in party_orgs.order_by("name").only("name")]
        )
        self.fields["party_org_id"].error_messages["invalid_choice"] = (
            "未找到该党组织，或不在您的工作范围内"
        )

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["party_org_id"] = int(data["party_org_id"]) if data.get("party_org_id") else None
        return data


class PartyMemberForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=30)
    role = forms.ChoiceField(label="党内职务", choices=PartyRole.choices, initial=PartyRole.MEMBER)
    joined_on = forms.DateField(
        label="转入日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    transferred = forms.BooleanField(
        label="组织关系转入本党组织",
        required=False,
        help_text="临时党支部的党员组织关系一般不转接；转入的正式党员满3名应成立正式党支部",
    )


class ExtensionForm(BootstrapMixin, forms.Form):
    """延期换届: the approved new date and its approval."""

    prefix = "extend"
    extended_to = forms.DateField(label="延期至", widget=DATE, error_messages=DATE_ERRORS)
    approved_by = forms.CharField(label="批准机关", max_length=100)
    document_no = forms.CharField(label="批准文号", max_length=60)
    approved_on = forms.DateField(label="批准日期", widget=DATE, error_messages=DATE_ERRORS)


class DissolveForm(BootstrapMixin, forms.Form):
    prefix = "dissolve"
    reason = forms.CharField(label="撤销原因", max_length=200, help_text="如项目结束、培训班结业")
    dissolved_on = forms.DateField(
        label="撤销日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )


class ConvertForm(BootstrapMixin, forms.Form):
    prefix = "convert"
    new_type = forms.ChoiceField(
        label="转为", choices=[(t.value, t.label) for t in FORMAL_TYPES], initial="branch"
    )
    name = forms.CharField(
        label="新名称", required=False, max_length=200, help_text="不填则去掉“临时”二字"
    )
    converted_on = forms.DateField(
        label="转建日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )


class DevelopForm(BootstrapMixin, forms.Form):
    """发展党员: a person of the ledger (not a party member) admitted as a 预备党员."""

    prefix = "develop"
    id_number = forms.CharField(label="身份证号", max_length=30)
    admitted_on = forms.DateField(
        label="接收预备党员日期", required=False, widget=DATE, error_messages=DATE_ERRORS,
        help_text="支部大会通过接收为预备党员的日期；不填为今天",
    )  # fmt: skip


class DateForm(forms.Form):
    """The one date of an end-employment or remove-member button (today when empty)."""

    on = forms.DateField(required=False, error_messages=DATE_ERRORS)
