"""The contract of the reports API and the category questions (Open311 attributes)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, ValidationError, field_validator

from shegong.core.errors import InvalidInput

from .choices import AttributeType


class AttributeValue(Schema):
    key: str
    name: str


class AttributeDef(Schema):
    """One extra question of a category (an Open311 service-definition attribute)."""

    code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    datatype: AttributeType
    description: str = Field(min_length=1, max_length=200)
    required: bool = False
    variable: bool = True
    order: int = 1
    datatype_description: str = ""
    values: list[AttributeValue] = []

    @field_validator("values")
    @classmethod
    def _values(cls, values: list[AttributeValue], info: Any) -> list[AttributeValue]:
        datatype = info.data.get("datatype")
        if datatype in (AttributeType.SINGLE, AttributeType.MULTI) and not values:
            raise ValueError("单选、多选题须列出选项")
        return values


def attribute_defs(raw: Any) -> list[AttributeDef]:
    """Parse a category's ``attributes`` JSON; InvalidInput (field ``attributes``) if wrong."""
    try:
        defs = [AttributeDef.model_validate(item) for item in (raw or [])]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidInput.field("attributes", f"附加问题格式不正确（{where}）") from exc
    codes = [d.code for d in defs]
    if len(codes) != len(set(codes)):
        raise InvalidInput.field("attributes", "附加问题的编码不能重复")
    return sorted(defs, key=lambda d: d.order)


def validate_answers(category: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Check the answers to a category's questions; return them cleaned (keys = codes).

    Errors name the field ``attribute[CODE]`` (Open311's parameter name) with the question.
    Unknown codes are ignored, as Open311 clients may send more than a definition asks.
    """
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for attr in attribute_defs(category.attributes):
        if not attr.variable:
            continue
        value = answers.get(attr.code)
        field = f"attribute[{attr.code}]"
        empty = value is None or value == "" or value == []
        if empty:
            if attr.required:
                errors.append({"field": field, "message": f"请回答：{attr.description}"})
            continue
        keys = {v.key for v in attr.values}
        try:
            cleaned[attr.code] = _coerce(attr, value, keys)
        except ValueError as exc:
            errors.append({"field": field, "message": f"{attr.description}：{exc}"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    return cleaned


def _coerce(attr: AttributeDef, value: Any, keys: set[str]) -> Any:
    if attr.datatype == AttributeType.NUMBER:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError("应为数字") from None
        return int(number) if number.is_integer() else number
    if attr.datatype == AttributeType.DATETIME:
        try:
            return datetime.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError("日期时间格式应为 2026-01-31T08:00") from None
    if attr.datatype == AttributeType.SINGLE:
        text = str(value[0] if isinstance(value, list) and value else value).strip()
        if text not in keys:
            raise ValueError("不是可选的答案")
        return text
    if attr.datatype == AttributeType.MULTI:
        items = value if isinstance(value, list) else str(value).split(",")
        items = [str(v).strip() for v in items if str(v).strip()]
        if any(v not in keys for v in items):
            raise ValueError("含有不可选的答案")
        return items
    text = str(value).strip()
    limit = 200 if attr.datatype == AttributeType.STRING else 2000
    if len(text) > limit:
        raise ValueError(f"不能超过{limit}字")
    return text


# --- the /api/v1/reports/ contract ------------------------------------------------------------
#
# Output schemas resolve from model instances. What a field shows can depend on who asks (the
# reporter is masked for staff, "匿名" for a department when the case is anonymous, absent for
# other field users; field users see only public timeline steps), so those resolvers read the
# caller from ninja's serialisation context (``context["request"].auth``).

Crs = Literal["wgs84", "gcj02", "bd09"]
STAFF, DEPARTMENT, FIELD = "staff", "department", "field"


def viewer_kind(user: Any) -> str:
    """How ``user`` looks at cases, as ``ReportQuerySet.visible_to`` cuts them: ``staff``
    (dispatch desk, street, community; superusers), ``department`` (a department's handler or
    supervisor) or ``field`` (a rider, a resident… who sees their own and followed cases)."""
    from shegong.core.perms import STAFF_ROLES

    if getattr(user, "is_superuser", False):
        return STAFF
    membership = getattr(user, "active_membership", None)
    if membership is None or membership.role not in STAFF_ROLES:
        return FIELD
    return DEPARTMENT if membership.department_id else STAFF


def _caller(context: Any) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "auth", None)


def photo_url(report_id: int, index: int, *, kind: str, photo_set: str) -> str:
    from django.urls import reverse

    path = reverse("api:reports_photo", kwargs={"report_id": report_id, "index": index})
    return f"{path}?kind={kind}&set={photo_set}"


class CategoryRef(Schema):
    code: str = Field(description="类别编码（Open311 service_code）")
    name: str
    group: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.service_code


class CategoryOut(CategoryRef):
    description: str
    keywords: list[str]
    notice: str = Field(description="上报须知")
    urgent: bool
    response_hours: int = Field(description="响应时限（小时）")
    resolution_limit: str = Field(description="办理时限，如「5工作日」")
    anonymous_allowed: bool = Field(description="上报人可选择对处置部门匿名")
    public_may_reopen: bool
    staff_only: bool

    @staticmethod
    def resolve_keywords(obj: Any) -> list[str]:
        return obj.keyword_list

    @staticmethod
    def resolve_resolution_limit(obj: Any) -> str:
        return obj.resolution_limit_label


class CategoryDetail(CategoryOut):
    attributes: list[AttributeDef] = Field(description="附加问题（Open311 attributes）")

    @staticmethod
    def resolve_attributes(obj: Any) -> list[AttributeDef]:
        return attribute_defs(obj.attributes)


class ReportIn(Schema):
    """A new case. As multipart form data, ``attributes`` is a JSON object in a string and the
    photos are ``photos`` files (JPEG/PNG/WebP, at most 9, 10 MB each)."""

    category: str = Field(min_length=1, max_length=40, description="类别编码")
    description: str = Field("", max_length=4000, description="问题描述")
    lat: float | None = Field(None, ge=-90, le=90, description="纬度")
    lon: float | None = Field(None, ge=-180, le=180, description="经度")
    crs: Crs = Field("wgs84", description="坐标系：wgs84（GPS）、gcj02（高德/腾讯）、bd09（百度）")
    address: str = Field("", max_length=200, description="地址（无坐标时必填）")
    region: str = Field("", max_length=20, description="所在社区或街道的区划代码（只填地址时必填）")
    attributes: dict[str, Any] = Field({}, description="附加问题的回答：{编码: 回答}")
    anonymous: bool = Field(False, description="对处置部门匿名（类别允许时）")
    caller_name: str = Field("", max_length=50, description="来电人姓名（工作人员代报）")
    caller_phone: str = Field("", max_length=20, description="来电人电话（工作人员代报）")

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return {}
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError("附加问题的回答应为 JSON 对象") from None
        return value


class DuplicateOut(Schema):
    """A possible duplicate nearby: no personal data."""

    id: int
    number: str
    category: str
    status: str
    status_label: str
    distance_m: float = Field(description="与所选位置的距离（米）")
    submitted_at: datetime
    description: str = Field(description="问题描述摘要")


class RegionRef(Schema):
    code: str
    name: str


class DepartmentRef(Schema):
    code: str
    name: str


class AssignmentOut(Schema):
    department: DepartmentRef
    role: str = Field(description="lead 主办 / assist 协办")
    role_label: str

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return obj.get_role_display()


class PhotoOut(Schema):
    index: int
    url: str = Field(description="原图（按权限返回；打码照片对其他群众返回打码图）")
    thumb_url: str
    width: int | None = None
    height: int | None = None
    redacted: bool = False


class EventOut(Schema):
    kind: str
    kind_label: str
    from_status: str
    to_status: str
    actor_label: str = Field(description="办理方：部门名称、区指挥中心、上报人或系统")
    at: datetime
    note: str
    public: bool
    photo_count: int

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_photo_count(obj: Any) -> int:
        return len(obj.photos or [])


class ReportOut(Schema):
    """A case in a list."""

    id: int
    number: str = Field(description="工单编号")
    status: str
    status_label: str
    category: CategoryRef
    description: str
    address: str
    region: RegionRef
    lead_department: DepartmentRef | None
    submitted_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    overdue: bool = Field(description="当前时限已超期")
    escalation_level: int = Field(description="督办级别：0 无，1 超时未响应，2 超期未办结")
    photo_count: int
    thumb_url: str | None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.overdue()

    @staticmethod
    def resolve_photo_count(obj: Any) -> int:
        return len(obj.photos or [])

    @staticmethod
    def resolve_thumb_url(obj: Any) -> str | None:
        if not obj.photos:
            return None
        return photo_url(obj.pk, 0, kind="thumb", photo_set="report")


class ReportDetail(ReportOut):
    """A case with its timeline, as the caller may see it."""

    lat: float | None
    lon: float | None
    attributes: dict[str, Any]
    channel: str
    anonymous: bool
    reporter_label: str | None = Field(
        description="上报人（脱敏）；对匿名工单的处置部门显示「匿名」；其他群众看不到"
    )
    departments: list[AssignmentOut] = Field(description="在办部门（主办、协办）")
    reject_reason: str
    merged_into: int | None = Field(description="并入的工单编号（id）")
    transferred_at: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    result: str
    rating: int | None
    satisfaction: str
    rating_comment: str
    hidden: bool = Field(description="不在公开页面显示")
    photos: list[PhotoOut]
    result_photos: list[PhotoOut] = Field(description="办理后照片")
    events: list[EventOut] = Field(description="办理进度；群众只看到公开的步骤")
    holder_region: RegionRef | None = Field(None, description="下派的社区（当前承办）")
    holder_id: int | None = Field(None, description="下派的网格员（用户 id）")
    held_since: datetime | None = Field(None, description="下派时间")
    held_answered_at: datetime | None = Field(None, description="下派回复时间")
    followup_at: datetime | None = Field(None, description="回访时间")
    followup_solved: bool | None = Field(
        None, description="回访时群众回答：true 已解决，false 未解决"
    )
    followup_satisfaction: str = Field(
        "", description="回访满意度：satisfied 满意、basic 基本满意、unsatisfied 不满意（差评）"
    )
    rehandle_due_at: datetime | None = Field(None, description="差评重新办理期限（工作日）")
    rehandled_at: datetime | None = Field(None, description="差评重新办理时间")
    rehandle_result: str = Field("", description="重新办理情况")

    @staticmethod
    def resolve_reporter_label(obj: Any, context: Any) -> str | None:
        user = _caller(context)
        kind = viewer_kind(user)
        if kind == FIELD:
            is_reporter = obj.reporter_id is not None and obj.reporter_id == user.pk
            return obj.reporter_label if is_reporter else None
        if kind == DEPARTMENT and obj.anonymous:
            return "匿名"
        return obj.reporter_label

    @staticmethod
    def resolve_departments(obj: Any) -> list[Any]:
        if getattr(obj, "written_assignments", None) is not None:
            return [a for a in obj.written_assignments if a.active]
        return list(obj.assignments.filter(active=True).select_related("department"))

    @staticmethod
    def resolve_merged_into(obj: Any) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_photos(obj: Any) -> list[dict[str, Any]]:
        return _photo_list(obj, obj.photos, "report")

    @staticmethod
    def resolve_result_photos(obj: Any) -> list[dict[str, Any]]:
        return _photo_list(obj, obj.result_photos, "result")

    @staticmethod
    def resolve_events(obj: Any, context: Any) -> list[Any]:
        field = viewer_kind(_caller(context)) == FIELD
        if getattr(obj, "written_events", None) is not None:
            written = sorted(obj.written_events, key=lambda e: (e.at, e.pk))
            return [e for e in written if e.public or not field]
        events = obj.events.all()
        if field:
            events = events.filter(public=True)
        return list(events.order_by("at", "id"))


def _photo_list(report: Any, photos: Any, photo_set: str) -> list[dict[str, Any]]:
    return [
        {
            "index": index,
            "url": photo_url(report.pk, index, kind="full", photo_set=photo_set),
            "thumb_url": photo_url(report.pk, index, kind="thumb", photo_set=photo_set),
            "width": record.get("width"),
            "height": record.get("height"),
            "redacted": bool(record.get("redacted")),
        }
        for index, record in enumerate(photos or [])
        if isinstance(record, dict)
    ]


class ReportFilter(Schema):
    status: str = Field("", description="状态，多个以逗号分隔，如 transferred,responded")
    category: str = Field("", description="类别编码")
    department: str = Field("", description="在办部门编码（主办或协办）")
    region: str = Field("", description="区划代码：只列该区划（含下级）内的工单")
    overdue: bool | None = Field(None, description="true 只列超期的，false 只列未超期的")
    mine: bool = Field(False, description="只列本人上报的")
    q: str = Field("", max_length=100, description="工单编号，或描述、地址包含的文字")
    submitted_from: date | None = Field(None, description="上报日期起（含）")
    submitted_to: date | None = Field(None, description="上报日期止（含）")


class DuplicateQuery(Schema):
    category: str = Field(min_length=1, description="类别编码")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    crs: Crs = "wgs84"


class PhotoQuery(Schema):
    kind: str = Field("thumb", description="full 原图 / thumb 缩略图")
    photo_set: str = Field("report", alias="set", description="report 上报照片 / result 办理后照片")


# Bodies of the workflow steps (POST /reports/{id}/<verb>). Texts are checked by the actions,
# which give the Chinese messages (e.g. "请填写退单理由").


class NoteIn(Schema):
    note: str = Field("", max_length=2000, description="说明（可不填）")


class RejectIn(Schema):
    reason: str = Field(
        "", description="invalid 无效信息 / duplicate 重复上报 / not_ours 不属于受理范围"
    )
    note: str = Field("", max_length=2000, description="向上报人说明的理由")


class TransferIn(Schema):
    department: str = Field("", description="主办部门编码")
    assisting: list[str] = Field([], description="协办部门编码")
    note: str = Field("", max_length=2000)


class ReassignIn(Schema):
    department: str = Field("", description="新的主办部门编码")
    note: str = Field("", max_length=2000, description="改派理由")


class AssignDownIn(Schema):
    """下派: exactly one of ``community`` (the case's community) and ``worker`` (a grid worker
    of that community)."""

    community: str = Field("", description="下派的社区区划代码（12位）")
    worker: int | None = Field(None, description="下派的网格员（用户 id）")
    note: str = Field("", max_length=2000, description="说明（可不填）")


class AnswerDownIn(Schema):
    answer: str = Field("", max_length=2000, description="回复：现场情况或处理结果")


class AssistIn(Schema):
    department: str = Field("", description="协办部门编码")


class MergeIn(Schema):
    into: int = Field(description="并入的工单（id）")
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class ResolveIn(Schema):
    """As multipart form data, with the after-photos as ``photos`` files."""

    result: str = Field("", max_length=4000, description="办理结果")


class TimelineNoteIn(Schema):
    note: str = Field("", max_length=2000)
    public: bool = Field(False, description="上报人和公众可见")


class RateIn(Schema):
    rating: int = Field(ge=1, le=5, description="1–5星：4–5 满意，3 基本满意，1–2 不满意")
    comment: str = Field("", max_length=500)


class FollowupIn(Schema):
    solved: bool = Field(description="群众回答问题是否已解决：true 已解决，false 未解决")
    satisfaction: str = Field(
        description="满意度：satisfied 满意、basic 基本满意、unsatisfied 不满意（差评，须重办）"
    )
    note: str = Field("", max_length=500, description="回访记录")


class RehandleIn(Schema):
    result: str = Field(max_length=2000, description="重新办理情况（群众可见）")


class HideIn(Schema):
    hidden: bool = Field(True, description="true 不公开，false 恢复公开")
    reason: str = Field("", max_length=200)


class RedactIn(Schema):
    index: int = Field(ge=0, description="第几张上报照片（从0起）")
    reason: str = Field("", max_length=200)
