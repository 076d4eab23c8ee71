"""Forms of the people pages: volunteers, skills, teams, social workers (staff), and the helpers
that read the skill and availability pickers shared by the staff and H5 forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from shegong.ledger.models import Organization
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.volunteers import consent
from shegong.volunteers.choices import (
    DAY_PARTS,
    WEEKDAY_LABELS,
    GuidanceMode,
    Incubation,
    Qualification,
    TeamKind,
    TeamRole,
    VolunteerStatus,
)
from shegong.volunteers.models import Skill, Team
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.web.forms import DATE, StyledForm

MAX_OPTIONS = 500
ALL = [("", "全部")]
INDENT = {
    Level.DISTRICT: "",
    Level.STREET: "　",
    Level.COMMUNITY: "　　",
    Level.GRID: "　　　",
}


def region_choices(user: Any, levels: list[str]) -> list[tuple[str, str]]:
    rows = Region.objects.visible_to(user).filter(level__in=levels).order_by("code")
    return [
        (code, f"{INDENT.get(level, '')}{name}")
        for code, name, level in rows.values_list("code", "name", "level")[:MAX_OPTIONS]
    ]


def team_choices(qs: QuerySet) -> list[tuple[str, str]]:
    return [
        (str(t.pk), t.name)
        for t in qs.order_by("region_id", "name").only("pk", "name")[:MAX_OPTIONS]
    ]


def skill_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in Skill.objects.filter(is_active=True)]


# --- skill and availability pickers (custom HTML, shared with H5) -----------------------------


def skills_from_post(post: QueryDict) -> list[dict[str, str]]:
    """The ticked skills with their optional certificate name/number."""
    return [
        {
            "skill": code,
            "certificate_name": post.get(f"cert_name_{code}", ""),
            "certificate_number": post.get(f"cert_no_{code}", ""),
        }
        for code in post.getlist("skill")
    ]


def availability_from_post(post: QueryDict) -> list[str]:
    return post.getlist("avail")


def skill_options(selected: dict[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every active skill, ticked if in ``selected`` (code → (certificate name, number))."""
    selected = selected or {}
    return [
        {
            "code": s.code, "name": s.name, "needs_certificate": s.needs_certificate,
            "checked": s.code in selected,
            "cert_name": selected.get(s.code, ("", ""))[0],
            "cert_number": selected.get(s.code, ("", ""))[1],
        }
        for s in Skill.objects.filter(is_active=True)
    ]  # fmt: skip


def selected_from_post(post: QueryDict) -> dict[str, tuple[str, str]]:
    return {
        row["skill"]: (row["certificate_name"], row["certificate_number"])
        for row in skills_from_post(post)
    }


def selected_from_volunteer(volunteer: Any) -> dict[str, tuple[str, str]]:
    return {
        row.skill.code: (row.certificate_name, row.certificate_number)
        for row in volunteer.skill_rows.select_related("skill")
    }


def availability_grid(value: Any) -> list[dict[str, Any]]:
    """Rows of the weekday × 上午/下午/晚上 grid; ``value`` is a dict or "1-am" tokens."""
    if isinstance(value, dict):
        ticked = {f"{d}-{p}" for d, parts in value.items() for p in parts}
    else:
        ticked = set(value or [])
    return [
        {
            "day": day, "label": label,
            "parts": [
                {"token": f"{day}-{p}", "label": pl, "checked": f"{day}-{p}" in ticked}
                for p, pl in DAY_PARTS.items()
            ],
        }
        for day, label in WEEKDAY_LABELS.items()
    ]  # fmt: skip


# --- volunteers -------------------------------------------------------------------------------


class VolunteerFilterForm(StyledForm):
    q = forms.CharField(
        label="姓名/编号", required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名或志愿者编号"}),
    )  # fmt: skip
    region = forms.ChoiceField(label="街道/社区", required=False)
    skill = forms.ChoiceField(label="技能", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[*ALL, *VolunteerStatus.choices]
    )
    star = forms.ChoiceField(
        label="星级", required=False,
        choices=[*ALL, ("0", "未评星"), *((str(n), f"{n}星") for n in range(1, 6))],
    )  # fmt: skip
    team = forms.ChoiceField(label="队伍", required=False)

    def __init__(self, *args: Any, user: Any, teams: QuerySet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            *ALL, *region_choices(user, [Level.STREET, Level.COMMUNITY])
        ]  # fmt: skip
        self.fields["skill"].choices = [*ALL, *skill_choices()]
        self.fields["team"].choices = [*ALL, *team_choices(teams)]


class VolunteerProfileForm(StyledForm):
    region = forms.ChoiceField(label="服务区域（街道/社区）")

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", "请选择"), *region_choices(user, [Level.STREET, Level.COMMUNITY, Level.GRID])
        ]  # fmt: skip


class VolunteerRegisterForm(VolunteerProfileForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="手机号", max_length=11, required=False)
    guardian_name = forms.CharField(label="监护人姓名", max_length=50, required=False)
    guardian_phone = forms.CharField(label="监护人手机号", max_length=11, required=False)
    guardian_relation = forms.CharField(
        label="与本人关系", max_length=20, required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：父亲、母亲"}),
    )  # fmt: skip
    guardian_consent = forms.BooleanField(label=consent.GUARDIAN_CONSENT_LABEL, required=False)
    consent = forms.BooleanField(label=consent.STAFF_CONSENT_LABEL, required=False)
    field_order = ["name", "id_number", "phone", "region"]
    GUARDIAN_FIELDS = ("guardian_name", "guardian_phone", "guardian_relation", "guardian_consent")


class StatusForm(StyledForm):
    status = forms.ChoiceField(label="状态", choices=VolunteerStatus.choices)
    reason = forms.CharField(label="说明", max_length=200, required=False)


class GuardianForm(StyledForm):
    name = forms.CharField(label="监护人姓名", max_length=50)
    phone = forms.CharField(label="监护人手机号", max_length=11)
    relation = forms.CharField(
        label="与本人关系", max_length=20, widget=forms.TextInput(attrs={"placeholder": "如：母亲"})
    )


# --- skills -----------------------------------------------------------------------------------


class SkillAddForm(StyledForm):
    name = forms.CharField(label="技能名称", max_length=30)
    needs_certificate = forms.BooleanField(label="通常需要资质证书", required=False)


# --- teams ------------------------------------------------------------------------------------


def organization_choices(user: Any) -> list[tuple[str, str]]:
    rows = Organization.objects.visible_to(user).order_by("name").only("pk", "name")
    return [("", "（无）"), *((str(o.pk), o.name) for o in rows[:MAX_OPTIONS])]


class TeamFilterForm(StyledForm):
    q = forms.CharField(label="名称", required=False, max_length=50)
    incubation = forms.ChoiceField(
        label="孵化状态", required=False, choices=[*ALL, *Incubation.choices]
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[*ALL, *TeamKind.choices])
    region = forms.ChoiceField(label="街道/社区", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            *ALL, *region_choices(user, [Level.STREET, Level.COMMUNITY])
        ]  # fmt: skip


class TeamForm(StyledForm):
    name = forms.CharField(label="队伍名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=TeamKind.choices)
    region = forms.ChoiceField(label="所属区划")
    organization = forms.ChoiceField(label="依托单位/登记的社会组织", required=False)
    parent = forms.ChoiceField(label="上级队伍", required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    description = forms.CharField(
        label="简介", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, exclude: Team | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        levels = [Level.DISTRICT, Level.STREET, Level.COMMUNITY]
        self.fields["region"].choices = [("", "请选择"), *region_choices(user, levels)]
        self.fields["organization"].choices = organization_choices(user)
        parents = Team.objects.visible_to(user)
        if exclude is not None:
            parents = parents.exclude(pk=exclude.pk)
        self.fields["parent"].choices = [("", "（无）"), *team_choices(parents)]


class TeamLeaderForm(StyledForm):
    """What a team's leader may change themself."""

    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    description = forms.CharField(
        label="简介", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberAddForm(StyledForm):
    number = forms.CharField(
        label="志愿者编号", max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "请志愿者出示“我的志愿服务”页上的编号"}),
    )  # fmt: skip
    role = forms.ChoiceField(label="角色", choices=TeamRole.choices, initial=TeamRole.MEMBER)
    joined_on = forms.DateField(label="加入日期", required=False, widget=DATE)


class MemberLeaveForm(StyledForm):
    left_on = forms.DateField(label="退出日期", required=False, widget=DATE)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class IncubationForm(StyledForm):
    state = forms.ChoiceField(label="孵化状态", choices=Incubation.choices)
    on = forms.DateField(label="日期", required=False, widget=DATE)


# --- social workers ---------------------------------------------------------------------------


def employer_choices() -> list[tuple[str, str]]:
    rows = socialwork_queries.employers().only("pk", "name")[:MAX_OPTIONS]
    return [("", "（未填写）"), *((str(o.pk), o.name) for o in rows)]


class SocialWorkerFilterForm(StyledForm):
    q = forms.CharField(label="姓名", required=False, max_length=50)
    qualification = forms.ChoiceField(
        label="职业资格", required=False, choices=[*ALL, *Qualification.choices]
    )
    community = forms.ChoiceField(label="驻点社区", required=False)
    stationed = forms.ChoiceField(
        label="当前驻点", required=False, choices=[*ALL, ("1", "驻点中"), ("0", "未驻点")]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [*ALL, *region_choices(user, [Level.COMMUNITY])]


class SocialWorkerProfileForm(StyledForm):
    qualification = forms.ChoiceField(label="职业资格", choices=Qualification.choices)
    certificate_number = forms.CharField(label="证书编号", max_length=40, required=False)
    employer = forms.ChoiceField(label="所在社工机构", required=False)
    region = forms.ChoiceField(label="所属区划")

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = employer_choices()
        levels = [Level.DISTRICT, Level.STREET, Level.COMMUNITY]
        self.fields["region"].choices = [("", "请选择"), *region_choices(user, levels)]


class SocialWorkerRegisterForm(SocialWorkerProfileForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="手机号", max_length=11, required=False)
    field_order = ["name", "id_number", "phone"]


class PeriodForm(StyledForm):
    """A stationing or a pairing: a community and the dates."""

    region = forms.ChoiceField(label="社区")
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *region_choices(user, [Level.COMMUNITY])]


class EndForm(StyledForm):
    ends_on = forms.DateField(label="结束日期", required=False, widget=DATE)


class GuidanceForm(StyledForm):
    on = forms.DateField(label="日期", widget=DATE)
    mode = forms.ChoiceField(label="方式", choices=GuidanceMode.choices)
    topic = forms.CharField(label="主题", max_length=100)
    content = forms.CharField(
        label="内容", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
