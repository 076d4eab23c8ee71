"""/api/v1/ledger/coverage and /worklists: the 应建尽建 rules over the caller's scope.

Mounted beside ``api/records.py`` under /ledger; read-only, every call needs ``LEDGER_VIEW``
and counts or lists only what the caller may see (``queries/coverage.py``).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses

from ..choices import OrgKind
from ..queries import coverage as queries
from ..rules import Establishment

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 422, 429)
KINDS = {k.value for k in OrgKind}


class CoverageQuery(Schema):
    region: str = Field(
        "", description="区划代码（须在本人工作范围内），按其下级分行统计；默认本人区划"
    )
    kind: str = Field("", description="只统计该类型：enterprise、social_org、platform …")


class Counts(Schema):
    """数量（可跨类型相加）；不含覆盖率：覆盖率只按类别分别计算，见 groups。"""

    units: int = Field(description="在营单位数（不含商圈、楼宇、园区、市场）")
    with_members: int = Field(description="有在职党员（正式或预备）的单位数")
    with_three_full: int = Field(description="在职正式党员不少于3名的单位数")
    by_mode: dict[str, int] = Field(description="按覆盖方式的单位数")
    should_establish: int = Field(description="应建未建单位数")
    members_uncovered: int = Field(description="有党员但未覆盖的单位数（正式党员不足3名）")
    organization_covered: int = Field(
        description="组织覆盖（单独组建、联合组建）的单位数；挂靠不计"
    )
    standalone: int = Field(description="单独组建的单位数")
    work_covered: int = Field(
        description="工作覆盖（单独组建、联合组建、挂靠、派驻党建指导员）的单位数"
    )


class GroupCounts(Counts):
    """一个类别（非公企业、社会组织、个体工商户）的数量和覆盖率，分母为该类别的全部在营单位。"""

    group: str = Field(
        description="类别：non_public（非公企业，含平台企业）、social_org、individual"
    )
    label: str = Field(description="类别名称")
    organization_rate: float | None = Field(
        description="组织覆盖率（%）=（单独组建 + 联合组建）÷ 该类别在营单位，无单位时为空"
    )
    standalone_rate: float | None = Field(
        description="单独组建率（%）= 单独组建 ÷ 该类别在营单位，无单位时为空"
    )
    work_rate: float | None = Field(
        description="工作覆盖率（%）= 工作覆盖的单位 ÷ 该类别在营单位，无单位时为空"
    )


class CoverageRegionRef(Schema):
    code: str
    name: str
    level: str


class CoverageRow(Counts):
    code: str
    name: str
    level: str
    by_kind: dict[str, Counts]
    groups: dict[str, GroupCounts] = Field(description="本区划各类别的数量和覆盖率")
    containers: int = Field(description="商圈、楼宇、园区、市场数")
    containers_covered: int = Field(description="其中已有党组织覆盖的数量")


class ContainerSummary(Schema):
    containers: int
    covered: int
    rate: float | None
    by_kind: dict[str, dict[str, Any]]


class CoverageSummaryOut(Schema):
    region: CoverageRegionRef | None
    kind: str
    rows: list[CoverageRow]
    total: Counts = Field(description="全部在营单位的数量合计（不含覆盖率）")
    by_kind: dict[str, Counts]
    groups: dict[str, GroupCounts] = Field(
        description="合计：非公企业、社会组织、个体工商户各自的数量和覆盖率（按类型筛选时只含其类别）"
    )
    containers: ContainerSummary


class WorklistQuery(Schema):
    region: str = Field("", description="区划代码（须在本人工作范围内）")
    kind: str = Field("", description="组织类型")
    status: str = Field(
        "", description="should_establish（应建未建）或 members_uncovered（有党员未覆盖）"
    )


class WorklistItem(Schema):
    id: int
    name: str
    credit_code: str | None
    kind: str
    region: str = Field(description="所属社区/网格代码")
    region_name: str
    full_members: int = Field(description="在职正式党员数")
    members: int = Field(description="在职党员数（含预备党员）")
    coverage_mode: str
    status: str
    status_label: str
    expected: str
    suggestion: str


def _check_kind(kind: str) -> None:
    if kind and kind not in KINDS:
        raise InvalidInput.field("kind", f"未知的组织类型：{kind}")


@router.get(
    "/coverage",
    response={200: CoverageSummaryOut, **ERRORS},
    summary="党建覆盖统计（本人工作范围）",
    operation_id="ledger_coverage_summary",
)
def coverage_summary(request: HttpRequest, params: Query[CoverageQuery]) -> Any:
    """按下级区划和组织类型统计在营单位、有党员单位、各覆盖方式、应建未建数；按类别（非公企业含
    平台企业、社会组织、个体工商户）分别计算组织覆盖率、单独组建率和工作覆盖率，分母为该类别的
    全部在营单位，合计不跨类别计算比率（定义见 docs/rules.md）。工作范围以外的区划返回 404。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    _check_kind(params.kind)
    summary = queries.coverage_summary(request.auth, params.region or None, kind=params.kind)
    return summary.as_dict()


@router.get(
    "/worklists/should-establish",
    response={200: list[WorklistItem], **ERRORS},
    summary="应建未建清单",
    operation_id="ledger_worklist_should_establish",
)
@paginate(PagePagination)
def should_establish(request: HttpRequest, params: Query[WorklistQuery]) -> Any:
    """在职正式党员不少于3名而未单独组建的单位，以及有党员而未覆盖的单位；党员多的在前。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    _check_kind(params.kind)
    if params.status and params.status not in Establishment.WORKLIST:
        raise InvalidInput.field("status", "判定应为 should_establish 或 members_uncovered")
    filters = queries.WorklistFilter(region=params.region, kind=params.kind, status=params.status)
    return _Items(queries.should_establish_worklist(request.auth, filters))


class _Items:
    """The worklist queryset, sliced and counted by the paginator, each row as a WorklistItem."""

    def __init__(self, orgs: Any) -> None:
        self.orgs = orgs

    def count(self) -> int:
        return self.orgs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [_item(org) for org in self.orgs[window]]


def _item(org: Any) -> dict[str, Any]:
    c = queries.classification(org)
    return {
        "id": org.pk,
        "name": org.name,
        "credit_code": org.credit_code,
        "kind": org.kind,
        "region": org.region_id,
        "region_name": org.region.name,
        "full_members": c.full_members,
        "members": c.members,
        "coverage_mode": c.mode,
        "status": c.status,
        "status_label": c.label,
        "expected": c.expected,
        "suggestion": c.suggestion,
    }
