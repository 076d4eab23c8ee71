"""Forms of the hours pages: the review queue's filter, review, decline and correction, paper
records and transfers, certificates (issue, revoke, decline a request), the volunteer's request
for a certificate on H5, and the statistics year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from shegong.volunteers.actions import certificate_requests
from shegong.volunteers.choices import Evaluation, RecordStatus, ServiceKind
from shegong.volunteers.queries.hours import OLDEST
from shegong.web.forms import DATE, DATE_ERRORS, NOTE, StyledForm

YEARS_BACK = 5
ALL = "all"
STATUS_FILTERS = [(RecordStatus.PENDING, "待审核"), (RecordStatus.APPROVED, "已确认"),
                  (RecordStatus.DECLINED, "未通过"), (RecordStatus.OPEN, "服务中"),
                  (ALL, "全部")]  # fmt: skip


class FilterForm(StyledForm):
    team = forms.TypedChoiceField(label="队伍", coerce=int, required=False, empty_value=None)
    activity = forms.TypedChoiceField(label="活动", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTERS, required=False)
    date_from = forms.DateField(label="服务日期自", widget=DATE, required=False,
                                error_messages=DATE_ERRORS)  # fmt: skip
    date_to = forms.DateField(label="至", widget=DATE, required=False, error_messages=DATE_ERRORS)
    auto_closed = forms.BooleanField(label="仅看未签退自动结束的", required=False)
    number = forms.CharField(label="志愿者编号", max_length=20, required=False)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("", "最近在前"), (OLDEST, "最早在前")],
        error_messages={"invalid_choice": "未知的排序方式"},
    )  # fmt: skip

    def __init__(self, *args: Any, teams: list, activities: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "全部队伍"), *teams]
        self.fields["activity"].choices = [("", "全部活动"), *activities]


class NoteForm(StyledForm):
    evaluation = forms.ChoiceField(
        label="服务评价", required=False,
        choices=[("", "不评价"), *Evaluation.choices],
        help_text="记入志愿者的服务记录（评价情况）",
    )  # fmt: skip
    note = forms.CharField(label="审核意见", max_length=200, required=False, widget=NOTE)


class DeclineForm(StyledForm):
    note = forms.CharField(label="不予确认的原因", max_length=200, widget=NOTE)


class AdjustForm(StyledForm):
    hours_delta = forms.CharField(
        label="更正时长（小时，增加填正数，减少填负数）", max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    reason = forms.CharField(label="更正原因", max_length=200, widget=NOTE)


class _EntryForm(StyledForm):
    number = forms.CharField(label="志愿者编号", max_length=20)
    team = forms.TypedChoiceField(label="记录单位（队伍）", coerce=int)
    served_on = forms.DateField(label="服务日期", widget=DATE, error_messages=DATE_ERRORS)
    hours = forms.CharField(label="服务时长（小时）", max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))  # fmt: skip
    content = forms.CharField(label="服务内容", max_length=200)
    service_kind = forms.ChoiceField(
        label="服务性质", choices=ServiceKind.choices, initial=ServiceKind.VOLUNTEER,
        required=False,
        help_text="社区工作者本职工作、学校值日/校内值勤、捐赠等按规定不计入星级评定时长",
    )  # fmt: skip

    def __init__(self, *args: Any, teams: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "请选择"), *teams]


class ManualForm(_EntryForm):
    activity = forms.TypedChoiceField(
        label="所属活动（可不选）", coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label="补录原因", max_length=200, widget=NOTE,
                             help_text="如：纸质签到表补录、忘记扫码签到")  # fmt: skip

    def __init__(self, *args: Any, activities: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "不关联活动"), *activities]


class TransferForm(_EntryForm):
    source_organization = forms.CharField(label="转出单位", max_length=100)
    proof_note = forms.CharField(
        label="证明材料说明", max_length=200, widget=NOTE,
        help_text="原单位出具的志愿服务记录证明编号、日期等，原件留存备查",
    )  # fmt: skip
    field_order = ["number", "team", "source_organization", "served_on", "hours", "content",
                   "service_kind", "proof_note"]  # fmt: skip


class IssueForm(StyledForm):
    number = forms.CharField(label="志愿者编号", max_length=20)
    team = forms.TypedChoiceField(label="出具单位（队伍）", coerce=int)
    period_start = forms.DateField(label="服务起始日期", widget=DATE, error_messages=DATE_ERRORS)
    period_end = forms.DateField(label="服务截止日期", widget=DATE, error_messages=DATE_ERRORS)
    purpose = forms.CharField(
        label="证明用途", max_length=100, help_text="如升学、评优、求职（公示和证明申请中可见）",
        error_messages={"required": "请填写证明用途，如升学、评优、求职",
                        "max_length": "用途不能超过 100 字"},
    )  # fmt: skip
    note = forms.CharField(label="备注", max_length=200, required=False, widget=NOTE)
    # The request this certificate answers (from the 公示期满 list's 出具 link). Without one the
    # form registers a request on the volunteer's behalf, which goes into the internal 公示.
    request = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: list, answering: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "请选择"), *teams]
        # 登记并公示 asks for the purpose; the note is written when the certificate is issued.
        del self.fields["note" if not answering else "purpose"]


class RevokeForm(StyledForm):
    reason = forms.CharField(label="作废原因", max_length=200, widget=NOTE)


class RequestDeclineForm(StyledForm):
    reason = forms.CharField(
        label="不予出具的原因", max_length=200, widget=NOTE,
        help_text="将告知志愿者，如：所申请期间的服务记录尚在核实",
        error_messages={"required": "请填写不予出具的原因（将告知志愿者）",
                        "max_length": "原因不能超过 200 字"},
    )  # fmt: skip


class CertificateRequestForm(forms.Form):
    """The volunteer's request on H5 (rendered by hand in m_hours.html)."""

    team = forms.TypedChoiceField(
        label="出具单位（记录您服务时长的队伍）", coerce=int,
        error_messages={"required": "请选择队伍", "invalid_choice": "请选择您服务过的队伍"},
    )  # fmt: skip
    period_start = forms.DateField(
        label="服务起始日期", widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写服务起始日期"},
    )  # fmt: skip
    period_end = forms.DateField(
        label="服务截止日期", widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写服务截止日期"},
    )  # fmt: skip
    purpose = forms.CharField(
        label="用途", max_length=certificate_requests.PURPOSE_MAX,
        error_messages={"required": "请填写证明用途，如升学、评优、求职",
                        "max_length": "用途不能超过 100 字"},
    )  # fmt: skip

    def __init__(self, *args: Any, teams: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            (t.team.pk, f"{t.team.name}（{t.hours} 小时）") for t in teams
        ]
        for field in self.fields.values():  # each form holds deep copies of its widgets
            field.widget.attrs["class"] = "rp-input"
        self.fields["purpose"].widget.attrs.update(
            placeholder="如：升学、评优、求职", maxlength=str(certificate_requests.PURPOSE_MAX)
        )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (y, f"{y}年") for y in range(this_year, this_year - YEARS_BACK - 1, -1)
        ]
        self.fields["year"].widget.attrs["class"] = "form-select"


class ObjectionForm(StyledForm):
    """异议 on a certificate in the internal 公示 (a member of the team)."""

    reason = forms.CharField(
        label="异议的事实和理由", max_length=200, widget=NOTE,
        error_messages={"required": "请填写异议的事实和理由", "max_length": "异议不能超过 200 字"},
    )  # fmt: skip


class ObjectionAnswerForm(StyledForm):
    """处理公示异议: upheld (不予出具) or set aside (继续公示)."""

    upheld = forms.TypedChoiceField(
        label="处理结果", coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("0", "异议不成立，继续公示"), ("1", "异议成立，不予出具")],
        error_messages={"required": "请选择处理结果"},
    )  # fmt: skip
    answer = forms.CharField(
        label="核实情况和处理意见", max_length=200, widget=NOTE,
        help_text="异议成立时，将作为不予出具的原因告知志愿者",
        error_messages={"required": "请填写核实情况和处理意见",
                        "max_length": "处理意见不能超过 200 字"},
    )  # fmt: skip


class IssuerForm(StyledForm):
    """出具单位信息: whose profile, its name, 负责人, 经办人, phone and the seal image."""

    owner = forms.ChoiceField(label="出具单位", error_messages={"required": "请选择出具单位"})
    name = forms.CharField(
        label="出具单位名称", max_length=100, required=False,
        help_text="登记的组织默认用其登记名称；以街道、社区名义出具时填写办事处或居委会全称",
    )  # fmt: skip
    head_name = forms.CharField(
        label="单位负责人", max_length=50,
        error_messages={"required": "请填写单位负责人", "max_length": "单位负责人不能超过 50 字"},
    )  # fmt: skip
    handler_name = forms.CharField(
        label="经办人", max_length=50,
        error_messages={"required": "请填写经办人", "max_length": "经办人不能超过 50 字"},
    )  # fmt: skip
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    seal = forms.FileField(
        label="印章图片", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
        help_text="PNG 或 JPG，不超过 1 MB；已上传过的可不再上传",
    )  # fmt: skip

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "请选择"), *owners]


class DisputeForm(forms.Form):
    """The volunteer's 异议 on H5 (rendered by hand)."""

    reason = forms.CharField(
        max_length=200,
        error_messages={"required": "请填写异议理由", "max_length": "异议理由不能超过 200 字"},
    )
    hours = forms.CharField(max_length=10, required=False)


DISPUTE_STATUS_FILTERS = [
    ("open", "待答复"), ("maintained", "维持原记录"), ("corrected", "已更正"),
    ("withdrawn", "已撤回"), (ALL, "全部"),
]  # fmt: skip


class DisputeFilterForm(StyledForm):
    status = forms.ChoiceField(label="状态", choices=DISPUTE_STATUS_FILTERS, required=False)
    team = forms.TypedChoiceField(label="队伍", coerce=int, required=False, empty_value=None)
    overdue = forms.BooleanField(label="仅看已超期", required=False)

    def __init__(self, *args: Any, teams: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "全部队伍"), *teams]


class DisputeAnswerForm(StyledForm):
    decision = forms.ChoiceField(
        label="答复", widget=forms.RadioSelect,
        choices=[("maintain", "维持原记录"), ("correct", "更正时长")],
        error_messages={"required": "请选择维持原记录或更正"},
    )  # fmt: skip
    hours = forms.CharField(
        label="更正后的时长（小时）", max_length=10, required=False,
        help_text="选择更正时填写该记录应有的时长；更正以更正记录的方式入账，原记录不改动",
    )  # fmt: skip
    answer = forms.CharField(
        label="答复意见", max_length=200, widget=NOTE, help_text="将告知志愿者",
        error_messages={"required": "请填写答复意见", "max_length": "答复意见不能超过 200 字"},
    )  # fmt: skip
    confirmed = forms.BooleanField(
        label="我已核实该记录，确认提交答复（将通知志愿者）",
        error_messages={"required": "请勾选确认后再提交答复"},
    )  # fmt: skip
