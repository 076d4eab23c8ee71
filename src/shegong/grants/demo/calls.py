"""The 公益创投 demo: the district's call of the year with the seed's "评审扶持8个优质公益项目，拨付
发展经费12万元" — 8 funded projects totalling ¥120,000 — and three applications not funded,
three reviewers (one declared a conflict), the awards' 公示 (ended), agreements, tranches
part-paid (one waiting for approval) and mid-term evaluations. Applicants are the socialorgs
demo's organizations that pass the automatic eligibility check. Idempotent: nothing is written
when the call exists."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong.accounts.models import Membership, User
from shegong.core.demo import PASSWORD, fake_id_number, fake_name
from shegong.core.perms import Role
from shegong.grants.actions import applications, calls, projects, reviews
from shegong.grants.actions._grants import store
from shegong.grants.models import Application, BudgetLine, Call, Project, Review, Tranche
from shegong.grants.queries.calls import eligibility
from shegong.notices.models import Notice

TITLE = "社区公益创投大赛"
AMOUNTS = ["20000", "18000", "16000", "15000", "15000", "13000", "12000", "11000"]
NOT_FUNDED = 3
# The committee's three experts (fake names, like every demo person): logins 13800000091–93.
REVIEWERS = [("13800000091", 7), ("13800000092", 3), ("13800000093", 0)]
REVIEWER_SEED = 20261717


def demo_pdf(name: str, line: str) -> SimpleUploadedFile:
    """A one-page PDF saying ``line`` (ASCII), as an upload named ``name``."""
    text = line.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip
    return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")


PROJECT_NAMES = [
    ("银龄守望·独居老人关爱", "为老服务"), ("四点半课堂", "青少年"), ("残疾人康复陪伴", "助残"),
    ("邻里互助议事坊", "社区治理"), ("困境儿童成长护航", "青少年"), ("老年助餐志愿队", "为老服务"),
    ("社区心理健康驿站", "社区治理"), ("阳光助残就业", "助残"), ("楼道文化营造", "社区治理"),
    ("亲子阅读推广", "青少年"), ("高龄老人防跌倒", "为老服务"),
]  # fmt: skip
CRITERIA = [
    {"name": "需求契合度", "weight": 30}, {"name": "项目设计", "weight": 30},
    {"name": "组织能力", "weight": 20}, {"name": "预算合理性", "weight": 20},
]  # fmt: skip


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _reviewers(district: Any) -> list[User]:
    out = []
    rng = random.Random(REVIEWER_SEED)
    for index, (phone, name) in enumerate(REVIEWERS):
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(
                phone=phone, password=PASSWORD, name=fake_name(name),
                id_number=fake_id_number(rng, 910 + index), must_change_password=False,
            )  # fmt: skip
            Membership.objects.create(user=user, role=Role.GRANT_REVIEWER, region=district)
        out.append(user)
    return out


def _eligible_orgs(district: Any, call: Call, want: int) -> list[Any]:
    from shegong.socialorgs.models import SocialOrg

    found = []
    for so in (
        SocialOrg.objects.in_region(district.prefix)
        .filter(status="normal")
        .select_related("organization")
        .order_by("pk")
    ):
        if all(f.ok for f in eligibility(so, call)):
            found.append(so)
            if len(found) == want:
                break
    return found


def load(ctx: Any) -> int:
    """Returns the number of funded projects written (0 when the call exists or there are no
    eligible organizations)."""
    district = ctx.region("district")
    today = timezone.localdate()
    year = today.year if today.month >= 7 else today.year - 1
    if Call.objects.filter(region=district, year=year, title=f"{year}年度{TITLE}").exists():
        return 0
    call = calls.save_call(
        None, region=district.code, title=f"{year}年度{TITLE}", year=year,
        description="面向辖区登记的社会组织，资助为老、青少年、助残和社区治理类公益项目。",
        needs="需求征集：独居老人探访、课后托管、残疾人康复、邻里互助（共收集需求 46 条）",
        budget="120000", max_per_project="20000",
        categories=["为老服务", "青少年", "助残", "社区治理"],
        opens_on=date(year, 3, 1), closes_on=date(year, 4, 15), review_by=date(year, 5, 10),
        drop_extremes=True, criteria=CRITERIA,
    )  # fmt: skip
    orgs = _eligible_orgs(district, call, len(AMOUNTS) + NOT_FUNDED)
    if not orgs:
        return 0
    calls.open_call(None, call)
    calls.move_call(None, call, "reviewing")
    funded = min(len(AMOUNTS), max(1, len(orgs) - 1))
    apps = []
    for i, so in enumerate(orgs):
        title, category = PROJECT_NAMES[i % len(PROJECT_NAMES)]
        amount = Decimal(AMOUNTS[i]) if i < funded else Decimal("15000")
        app = Application.objects.create(
            call=call, social_org=so, region_id=so.organization.region_id, title=title,
            category=category, summary=f"{so.organization.name}在社区开展「{title}」项目。",
            beneficiaries="辖区居民", beneficiary_count=200 + 50 * i, amount=amount,
            indicators=[{"name": "开展服务", "target": 24, "unit": "场"}],
            attachments=store(
                [demo_pdf("项目申报书.pdf", f"Application {year}-{i + 1}")], "applications",
                "attachments",
            ),
            status="submitted",
            eligibility=[f.as_dict() for f in eligibility(so, call)],
            submitted_at=_at(date(year, 3, 10) + timedelta(days=i)),
        )  # fmt: skip
        BudgetLine.objects.bulk_create([
            BudgetLine(application=app, item="活动物资", amount=amount * Decimal("0.6"), order=0),
            BudgetLine(application=app, item="人员劳务", amount=amount * Decimal("0.4"), order=1),
        ])  # fmt: skip
        applications.check(None, app, passed=True, note="材料齐全")
        apps.append(app)
    experts = _reviewers(district)
    reviews.assign(None, call, reviewers=[u.pk for u in experts])
    criteria = list(call.criteria.all())
    for i, app in enumerate(apps):
        for j, expert in enumerate(experts):
            review = Review.objects.get(application=app, reviewer=expert)
            if i == 0 and j == 2:
                reviews.declare(expert, review, conflict=True, note="本人为该组织理事")
                continue
            reviews.declare(expert, review, conflict=False)
            mark = max(40, 95 - 4 * i - j * 2)
            reviews.score(expert, review, scores={c.pk: mark for c in criteria})
    reviews.rank(None, call)
    made = reviews.decide(
        None, call, awards={a.pk: "" for a in apps[:funded]}, note="评审委员会集体决定"
    )
    start = _at(date(year, 5, 12))
    Notice.objects.filter(
        kind="grants.award", target_type="grants.project", target_id__in=[p.pk for p in made]
    ).update(starts_at=start, ends_at=start + timedelta(days=7), published_at=start)
    Project.objects.filter(pk__in=[p.pk for p in made]).update(decided_at=start)
    for i, project in enumerate(made):
        half = (project.amount / 2).quantize(Decimal("0.01"))
        projects.sign(
            None, project, agreement_no=f"GY{year}-{i + 1:03d}", signed_on=date(year, 5, 25),
            tranches=[
                {"milestone": "签约后首期", "amount": half, "due_on": date(year, 6, 1)},
                {"milestone": "中期评估合格后", "amount": project.amount - half,
                 "due_on": date(year, 9, 1)},
            ],
            agreement=[demo_pdf("资助协议.pdf", f"Agreement GY{year}-{i + 1:03d}")],
        )  # fmt: skip
        first = Tranche.objects.get(project=project, seq=1)
        Tranche.objects.filter(pk=first.pk).update(
            status="requested", report="项目已启动，完成需求调研和志愿者招募。",
            evidence=store(
                [demo_pdf("启动会签到表.pdf", f"Kick-off sign-in {i + 1}")], "evidence", "evidence"
            ),
            requested_at=_at(date(year, 6, 2)),
        )  # fmt: skip
        if i == len(made) - 1:
            continue  # one request waits in the disbursement queue
        projects.decide_tranche(None, first, approve=True, note="材料齐全")
        projects.pay_tranche(
            None, first, voucher_no=f"BF{year}{i + 1:04d}", paid_on=date(year, 6, 10)
        )
        if i < 3:
            projects.record_visit(
                None, project, kind="midterm", visited_on=date(year, 8, 20),
                visitor="第三方评估机构", findings="按计划推进，台账规范。", rating="good",
                attachments=[demo_pdf("中期评估报告.pdf", f"Mid-term evaluation {i + 1}")],
            )  # fmt: skip
    return len(made)
