"""The generic scope test: no page or API operation shows street B to street A (STYLE rule 13)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import path

from shegong import testing
from shegong.accounts import actions as account_actions
from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent, JobRun, Notification
from shegong.core.perms import Role

from . import scope_walk

MARKERS = [
    "西城街道", "西关社区", "西城居民", "西城通知", "西城台账", "西城工单", "西城驿站",
    "西城志愿", "西城社工", "西城帮扶", "西城社组", "西城实事",
    "西城基金",
]  # fmt: skip
MARKERS += ["西城创投"]  # grants: 公益创投


@pytest.fixture
def street_b_objects(district, street_a_staff, street_b_staff):
    """Something of every scoped kind in street B, each named with a marker."""
    user_b = testing.user(Role.RESIDENT, district["community_b"], name="西城居民")
    _, _ = account_actions.create_token(street_b_staff, actor=street_b_staff, name="西城通知令牌")
    token_b = street_b_staff.api_tokens.get()
    audit_b = audit.record(
        Verb.USER_UPDATED, actor=street_b_staff, target=user_b, region=district["street_b"]
    )
    notification_b = Notification.objects.create(
        recipient=street_b_staff, event="test", title="西城通知"
    )
    return {
        **_ledger_campaign_objects(district, street_b_staff),
        **_ledger_objects(district),
        **_report_objects(district, user_b),
        **_station_objects(district),
        **_volunteer_objects(district),
        **_matching_list_objects(district),
        **_matching_h5_objects(district, user_b),
        **_charity_objects(social_org_b := _social_org_b(district)),
        "social_org_b": social_org_b,
        **_inspection_objects(district),  # after social_org_b: its annual report
        **_screening_b(district),
        **_election_objects(district),
        **_social_org_objects(social_org_b),
        **_credit_objects(),
        **_standing_objects(district),
        **_matching_objects(district, user_b),
        **_topic_objects(district, user_b),
        **_meeting_objects(district),
        **_deliberation_action_objects(district, user_b),
        **_grant_call_objects(district, social_org_b),
        **_notice_objects(district, street_b_staff),
        **_fund_objects(district),
        "user_b": user_b,
        "membership_b": user_b.memberships.get(),
        "token_b": token_b,
        "region_b": district["grid_b"],
        "audit_b": audit_b,
        "notification_b": notification_b,
        "import_job_b": JobRun.objects.create(
            kind="ledger_import",
            title="西城通知导入",
            created_by=street_b_staff,
            region=district["street_b"],
            status="succeeded",
            result={"dry_run": True},
        ),
        "regions_import_job_b": JobRun.objects.create(
            kind="regions_import",
            title="导入区划：西城.csv",
            created_by=street_b_staff,
            region=district["street_b"],
            status="succeeded",
            result={"filename": "西城.csv", "created": 1, "rows": 1},
        ),
    }


def _ledger_campaign_objects(district, street_b_staff):
    """A 回头看 campaign with a task, and an instructor assignment, in street B."""
    from datetime import timedelta

    from django.utils import timezone
    from stdnum.cn import uscc

    from shegong.ledger.actions.campaigns import create_campaign
    from shegong.ledger.actions.guidance import assign_instructor, record_visit
    from shegong.ledger.models import Coverage, Organization

    body = "91341202MA2NXC001"
    org = Organization.objects.create(
        kind="enterprise", name="西城示范有限公司", region=district["grid_b"],
        credit_code=body + uscc.calc_check_digit(body),
    )  # fmt: skip
    Coverage.objects.create(organization=org, region=org.region)
    campaign = create_campaign(
        actor=street_b_staff, name="西城街道回头看", region=district["street_b"], criteria={},
        due_on=timezone.localdate() + timedelta(days=3), assignee=street_b_staff,
    )  # fmt: skip
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_b"], name="西城指导员")
    assignment = assign_instructor(org, instructor, actor=street_b_staff)
    visit = record_visit(
        org, actor=instructor, visited_on=timezone.localdate(), topic="西城走访",
        photos=[_tiny_photo()],
    )  # fmt: skip
    return {
        "campaign_b": campaign, "task_b": campaign.tasks.get(), "assignment_b": assignment,
        "visit_b": visit,
    }  # fmt: skip


def _report_objects(district, user_b):
    """A 随手拍 case in street B (handled by a street-B department) and an appointment."""
    from datetime import date

    from shegong.accounts.models import Department
    from shegong.reports.actions import reports as report_actions
    from shegong.reports.models import Appointment

    category = testing.report_category("scope-walk", "路灯故障")
    department = Department.objects.create(
        code="xc-cg", name="西城工单城管中队", region=district["street_b"]
    )
    testing.routing_rule(category, district["street_b"], department)
    report = report_actions.submit_report(
        actor=user_b, category=category, description="西城工单：路灯不亮",
        lat=testing.POINT_B[0], lon=testing.POINT_B[1], address="西城工单地址",
        photos=[_tiny_photo()],
    )  # fmt: skip
    appointment = Appointment.objects.create(
        user=user_b, kind="supervisor", appointed_by="西城工单聘任单位",
        appointed_on=date(2026, 1, 1), region=district["street_b"],
    )  # fmt: skip
    return {
        "report_b": report, "report_category_b": category, "department_b": department,
        "appointment_b": appointment,
    }  # fmt: skip


def _station_objects(district):
    """A station in street B with an open inspection defect."""
    from datetime import date

    from shegong.stations.models import Inspection, Station

    station = Station.objects.create(
        name="西城驿站", address="西城驿站路1号", lat=testing.POINT_B[0], lon=testing.POINT_B[1],
        region=district["grid_b"], schedule={"always_open": True},
    )  # fmt: skip
    inspector = testing.user(Role.STREET_STAFF, district["street_b"], name="西城驿站检查员")
    inspection = Inspection.objects.create(
        station=station, inspected_on=date(2026, 11, 1), inspector=inspector,
        defects="西城驿站饮水机损坏", resolved=False,
    )  # fmt: skip
    from stdnum.cn import ric

    from shegong.ledger.models import Person
    from shegong.stations.models import Worker

    body = "34120219900101777"  # a worker in street B (stations: workers)
    rider = Person.objects.create(
        name="西城驿站骑手", id_number=body + ric.calc_check_digit(body + "0"),
        region=district["grid_b"],
    )  # fmt: skip
    worker = Worker.objects.create(
        person=rider, kind="delivery_rider", region=district["grid_b"],
        delivery_site="西城驿站骑手站",
    )  # fmt: skip
    from shegong.stations.models import CareCampaign, InsuranceBatch  # stations: care

    campaign = CareCampaign.objects.create(
        name="西城驿站清凉行动", benefit="西城驿站防暑包", region=district["street_b"],
        starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31),
    )  # fmt: skip
    batch = InsuranceBatch.objects.create(
        name="西城驿站保险批次", insurer="西城驿站保险公司", policy_number="XC-1",
        region=district["street_b"], starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31),
    )  # fmt: skip
    from shegong.stations.models import RoleModel, VanguardPost  # stations: vanguard

    body = "34120219900101778"  # a party member in street B
    member = Person.objects.create(
        name="西城驿站党员", id_number=body + ric.calc_check_digit(body + "0"),
        region=district["grid_b"], political_status="party_full",
    )  # fmt: skip
    vanguard_post = VanguardPost.objects.create(
        kind="post", name="西城驿站先锋岗", region=district["grid_b"], since=date(2026, 7, 1)
    )
    vanguard_post.holders.set([member])
    role_model = RoleModel.objects.create(
        title="西城驿站十佳骑手", year=2026, person=rider, citation="西城驿站骑手事迹",
        region=district["grid_b"],
    )  # fmt: skip
    return {
        "station_b": station, "inspection_b": inspection, "worker_b": worker,
        "care_campaign_b": campaign, "insurance_batch_b": batch,
        "vanguard_b": vanguard_post, "role_model_b": role_model,
    }  # fmt: skip


def _grant_call_objects(district, social_org_b):
    """A 公益创投 call of street B, an application of its organization with a review, the
    funded project and a tranche (grants)."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from shegong.core.documents import store_documents
    from shegong.grants.models import Application, Call, Project, Review, Tranche

    today = timezone.localdate()
    pdf = SimpleUploadedFile("西城创投申报书.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    call = Call.objects.create(
        region=district["street_b"], title="西城创投申报", year=today.year, budget=10000,
        max_per_project=5000, opens_on=today, closes_on=today + timedelta(days=9),
        status="reviewing",
    )  # fmt: skip
    app = Application.objects.create(
        call=call, social_org=social_org_b, region=district["community_b"], title="西城创投项目",
        category="为老服务", summary="西城创投", beneficiaries="老人", amount=5000,
        status="awarded", submitted_at=timezone.now(),
        attachments=store_documents([pdf], "grants/applications"),
    )  # fmt: skip
    reviewer = testing.user(Role.GRANT_REVIEWER, district["street_b"], name="西城创投专家")
    review = Review.objects.create(application=app, reviewer=reviewer, region=app.region)
    project = Project.objects.create(
        application=app, call=call, social_org=social_org_b, region=app.region,
        title="西城创投项目", amount=5000, status="signed",
    )  # fmt: skip
    tranche = Tranche.objects.create(
        project=project, region=app.region, seq=1, milestone="西城创投首期", amount=5000,
        status="requested",
    )  # fmt: skip
    return {
        "grant_call_b": call, "grant_app_b": app, "grant_review_b": review,
        "grant_project_b": project, "grant_tranche_b": tranche,
    }  # fmt: skip


def _social_org_b(district):
    """A registered social organization in street B (socialorgs)."""
    from shegong.socialorgs.actions.records import register_social_org
    from shegong.socialorgs.demo import credit_code

    return register_social_org(
        {
            "org_type": "service", "name": "城西养老服务中心",
            "credit_code": credit_code("service", "341271", 77),
            "registration_number": "西城社组民证字第1号", "registration_authority": "示范区民政局",
            "registered_on": "2020-01-01", "region": district["community_b"].code,
            "legal_rep": "西城居民甲",
        },
        actor=None,
    )  # fmt: skip


def _inspection_objects(district):
    """Street B's inspection year, its organization's annual report and an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from shegong.socialorgs.actions import inspection
    from shegong.socialorgs.models import SocialOrg

    so = SocialOrg.objects.get(registration_number="西城社组民证字第1号")
    plan = inspection.open_year(
        {"authority": so.registration_authority, "region": district["street_b"].code,
         "year": timezone.localdate().year - 1},
        actor=None,
    )  # fmt: skip
    report = plan.reports.get(social_org=so)
    pdf = SimpleUploadedFile("西城社组财务报告.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    attachment = inspection.add_attachments(report, "financial", [pdf], actor=None)[0]
    return {"inspection_plan_b": plan, "annual_report_b": report, "report_file_b": attachment}


def _charity_objects(social_org_b):
    """Street B's charity: a qualification application with a document, a plan with a
    disclosure document, a year's audited figures (socialorgs §6)."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from shegong.socialorgs.actions import charity

    pdf = b"%PDF-1.4\n%%EOF\n"
    social_org_b.charity, social_org_b.charity_on = True, date(2021, 1, 1)
    social_org_b.save()
    application = charity.file_application(
        social_org_b, {}, governance_files=[SimpleUploadedFile("西城制度.pdf", pdf)], actor=None
    )
    social_org_b.public_fundraising, social_org_b.public_fundraising_on = True, date(2022, 1, 1)
    social_org_b.save()
    start = date.today() - timedelta(days=30)
    plan = charity.file_plan(
        social_org_b,
        {"title": "西城募捐", "purpose": "助学", "channels": "平台", "starts_on": start,
         "ends_on": start + timedelta(days=60), "target_amount": "1000"},
        actor=None, on=start - timedelta(days=5),
    )  # fmt: skip
    disclosure = charity.record_disclosure(
        plan, {"disclosed_on": date.today(), "content": "西城公开"},
        files=[SimpleUploadedFile("西城公开.pdf", pdf)], actor=None,
    )  # fmt: skip
    financials = charity.save_financials(
        social_org_b,
        {"year": str(date.today().year - 1), "income": "1", "total_spending": "1",
         "charitable_spending": "1", "management_cost": "0", "audited": True},
        audit_files=[SimpleUploadedFile("西城审计.pdf", pdf)], actor=None,
    )  # fmt: skip
    return {
        "charity_application_b": application,
        "charity_plan_b": plan,
        "charity_disclosure_doc_b": disclosure.documents.get(),
        "charity_financials_b": financials,
    }


def _screening_b(district):
    """A screening lead in street B with a visit and an interview with an attachment
    (socialorgs §7)."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from shegong.socialorgs.actions import screening

    today = date.today()
    round_b = screening.create_round(
        {"name": "西城社组排查轮次", "starts_on": date(today.year, 1, 1), "ends_on": today,
         "region": district["street_b"].code},
        actor=None,
    )  # fmt: skip
    lead = screening.file_lead(
        {"source": "public", "org_name": "西城社组非法线索", "place": "西城社组活动点",
         "description": "西城社组线索内容", "region": district["community_b"].code},
        actor=None,
    )  # fmt: skip
    screening.record_visit(
        {"round": round_b.pk, "visited_on": today, "visitors": "西城社组走访人",
         "findings": "西城社组走访发现"},
        actor=None, lead=lead,
    )  # fmt: skip
    interview = screening.record_interview(
        lead,
        {"people": ["西城社组约谈人"], "interviewed_on": today, "record": "西城社组约谈记录"},
        actor=None,
        files=[SimpleUploadedFile("西城社组笔录.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    return {"lead_b": lead, "attachment_b": interview.attachments.get()}


def _election_objects(district):
    """An open 换届, a pending extension and an open dormant case in street B (socialorgs §5)."""
    from shegong.socialorgs.actions import election
    from shegong.socialorgs.actions.records import register_social_org
    from shegong.socialorgs.demo import credit_code
    from shegong.socialorgs.models import DormantCase

    so = register_social_org(
        {
            "org_type": "association", "name": "城西书法家协会",
            "credit_code": credit_code("association", "341271", 78),
            "registration_number": "西城社组民证字第2号", "registration_authority": "示范区民政局",
            "registered_on": "2018-01-01", "region": district["community_b"].code,
            "term_start": "2021-03-01",
        },
        actor=None,
    )  # fmt: skip
    extension = election.request_extension(
        so, {"new_date": "2026-12-31", "reason": "西城延期理由"}, actor=None
    )
    return {
        "election_b": election.open_election(so, actor=None),
        "extension_b": extension,
        "dormant_case_b": DormantCase.objects.create(
            social_org=so, opened_on=so.registered_on, grounds=["not_inspected"]
        ),
    }


def _social_org_objects(social_org):
    """A social organization in street B with an application (one attachment) and a charter
    file (socialorgs)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shegong.socialorgs.actions import events, records

    application = events.save_application(social_org, {"kind": "renewal"}, actor=None)
    pdf = SimpleUploadedFile("西城申请书.pdf", b"%PDF-1.4 test")
    (attachment,) = events.add_attachments(application, "application_form", [pdf], actor=None)
    charter = records.add_charter_version(
        social_org, {"version_date": "2021-01-01"},
        files=[SimpleUploadedFile("西城章程.pdf", b"%PDF-1.4 test")], actor=None,
    )  # fmt: skip
    return {
        "social_org_b": social_org,
        "application_b": application,
        "application_attachment_b": attachment,
        "charter_b": charter,
    }


def _credit_objects():
    """A 活动异常名录 listing and a rectification of street B's social organization (credit)."""
    from datetime import date

    from shegong.socialorgs.actions import credit
    from shegong.socialorgs.models import CreditListing, SocialOrg

    so = SocialOrg.objects.get(organization__name="城西养老服务中心")
    rect = credit.order_rectification(
        so, {"matter": "变更住所未备案", "deadline": "2099-01-01"}, actor=None
    )
    listing = CreditListing.objects.create(
        social_org=so, kind="abnormal", rule="unreachable", fact_on=date(2026, 1, 5),
        listed_on=date(2026, 1, 6), reason="城西无法联系", how_to_leave="满6个月移出",
        authority="示范区民政局", clock_from=date(2026, 1, 5),
    )  # fmt: skip
    return {"credit_listing_b": listing, "rectification_b": rect}


def _matching_list_objects(district):
    """Street B's needs-list and supply-list entries (matching, m-lists)."""
    from shegong.matching.models import Category, Need, Offer

    meals = Category.objects.get(code="meals")
    need = Need.objects.create(
        region=district["community_b"], category=meals, description="西城帮扶送餐需求"
    )
    offer = Offer.objects.create(
        region=district["community_b"], category=meals, title="西城帮扶送餐",
        provider_kind="merchant", provider_name="西城帮扶饭店",
    )  # fmt: skip
    return {"match_need_b": need, "match_offer_b": offer}


def _volunteer_objects(district):
    """A volunteer, team, activity, sign-up, service record, certificate, training with an
    attendance, award and social worker with stationing, pairing and guidance log in street B
    (volunteers)."""
    from datetime import date

    from django.utils import timezone

    from shegong.ledger.models import Organization, Person
    from shegong.volunteers.models import (
        Certificate,
        CertificateRequest,
        GuidanceLog,
        Pairing,
        ServiceRecord,
        Signup,
        SocialWorker,
        Stationing,
    )  # fmt: skip

    volunteer = testing.volunteer(district["community_b"], name="西城志愿者")
    team = testing.team(district["community_b"], name="西城志愿服务队", leader=volunteer)
    activity = testing.activity(team, title="西城志愿活动", point=testing.POINT_B)
    shift = activity.shifts.get()
    signup = Signup.objects.create(shift=shift, volunteer=volunteer, status="confirmed")
    now = timezone.now()
    record = ServiceRecord.objects.create(
        volunteer=volunteer, team=team, activity=activity, shift=shift,
        region=district["community_b"], content="西城志愿服务内容", served_on=now.date(),
        check_in_at=now, status="pending", hours=2,
    )  # fmt: skip
    certificate = Certificate.objects.create(
        serial="ZMXC0000000001", volunteer=volunteer, team=team, period_start=date(2026, 1, 1),
        period_end=date(2026, 11, 1), hours=2, records=1, issuer_name="西城志愿服务队",
    )  # fmt: skip
    # Agencies are picked district-wide (a registered social organisation's name is public and
    # it may station workers in any street), so its name carries no marker.
    certificate_request = CertificateRequest.objects.create(
        volunteer=volunteer, team=team, period_start=date(2026, 1, 1),
        period_end=date(2026, 11, 1), purpose="西城志愿升学",
    )  # fmt: skip
    agency = Organization.objects.create(
        name="同心社会工作服务中心", credit_code="52341200MJ0000001N",
        region=district["community_b"], kind="social_org",
    )  # fmt: skip
    sw_person = Person.objects.create(
        name="西城社工", id_number=testing.id_number("19850101"), region=district["community_b"]
    )
    social_worker = SocialWorker.objects.create(
        person=sw_person, qualification="senior", certificate_number="XC-SW-1",
        employer=agency, region=district["community_b"],
    )  # fmt: skip
    stationing = Stationing.objects.create(
        social_worker=social_worker, region=district["community_b"], starts_on=date(2026, 1, 1)
    )
    pairing = Pairing.objects.create(
        social_worker=social_worker, region=district["community_b"], starts_on=date(2026, 1, 1)
    )
    log = GuidanceLog.objects.create(
        pairing=pairing, on=date(2026, 3, 1), mode="offline", topic="西城帮扶指导"
    )
    from shegong.volunteers.models import Award, Training, TrainingAttendance

    training = Training.objects.create(
        team=team, region=district["community_b"], title="西城志愿培训", held_on=date(2026, 3, 2),
        hours=2, trainer="西城志愿讲师",
    )  # fmt: skip
    attendance = TrainingAttendance.objects.create(training=training, volunteer=volunteer)
    award = Award.objects.create(
        volunteer=volunteer, title="西城志愿优秀志愿者", level="community",
        awarded_by="西城志愿社区居委会", awarded_on=date(2026, 3, 3),
        region=district["community_b"],
    )  # fmt: skip
    from shegong.volunteers.models import RecordDispute

    dispute = RecordDispute.objects.create(
        record=record, volunteer=volunteer, team=team, region=district["community_b"],
        reason="西城志愿异议", due_at=now,
    )  # fmt: skip
    issuer = testing.certificate_issuer(region=district["community_b"], name="西城社区居委会")
    from shegong.volunteers.models import StarAward

    star_award = StarAward.objects.create(
        volunteer=volunteer, region=district["community_b"], star=1, counted_hours=120,
        review_note="西城志愿星级审核",
    )  # fmt: skip
    return {
        "dispute_b": dispute, "issuer_b": issuer, "star_award_b": star_award,
        "training_b": training, "training_attendance_b": attendance, "award_b": award,
        "volunteer_b": volunteer, "team_b": team, "activity_b": activity, "shift_b": shift,
        "signup_b": signup, "service_record_b": record, "certificate_b": certificate,
        "certificate_request_b": certificate_request,
        "social_worker_b": social_worker, "stationing_b": stationing, "pairing_b": pairing,
        "guidance_log_b": log,
    }  # fmt: skip


def _standing_objects(district):
    """A standing meal order in street B with its rota and today's task."""
    from datetime import time

    from django.utils import timezone

    from shegong.ledger.models import Person
    from shegong.matching.models import Category, RotaSlot, StandingOrder, StandingTask

    offer = testing.match_offer(district["community_b"], "meals", name="西城志愿助餐")
    person = Person.objects.create(
        name="西城居民老人", id_number=testing.id_number("19400101"), region=district["grid_b"]
    )
    order = StandingOrder.objects.create(
        region=district["community_b"], category=Category.objects.get(code="meals"),
        beneficiary=person, title="西城志愿送餐", weekdays=[1, 2, 3, 4, 5, 6, 7],
        at_time=time(11, 30), starts_on=timezone.localdate(),
    )  # fmt: skip
    RotaSlot.objects.create(standing_order=order, weekday=1, offer=offer)
    task = StandingTask.objects.create(
        standing_order=order, region=district["community_b"], on=timezone.localdate(),
        due_at=timezone.now(), offer=offer,
    )  # fmt: skip
    return {"standing_b": order, "standing_task_b": task}


def _matching_objects(district, user_b):
    """A service order placed by a street-B resident (matching)."""
    order = testing.match_order(
        user_b, district["community_b"], "medical", point=testing.POINT_B,
        description="西城帮扶：陪同就医", address="西城帮扶地址",
    )  # fmt: skip
    return {"order_b": order}


def _notice_objects(district, street_b_staff):
    """A draft notice of 西城街道 and an objection (marked) on a published one of 西关社区."""
    from shegong.notices.actions import notices, objections

    draft = notices.create_draft(
        actor=street_b_staff, kind="notices.general", region=district["street_b"],
        title="西城通知公示草稿", body="西城通知",
    )  # fmt: skip
    published = notices.make_notice(
        kind="notices.general", region=district["community_b"], title="公示乙", body="正文"
    )
    objection = objections.submit_objection(
        published, name="西城居民", phone="13912340000", content="西城居民的异议"
    )
    return {"notice_b": draft, "notice_b_published": published, "objection_b": objection}


def _deliberation_action_objects(district, user_b):
    """A 落地实事 of 西关社区 (not public) with a timeline entry holding a photo record."""
    from datetime import timedelta

    from django.utils import timezone

    from shegong.deliberation.models import ActionItem, ActionUpdate, TopicCategory

    testing.deliberation_categories()
    item = ActionItem.objects.create(
        region=district["community_b"], category=TopicCategory.objects.get(code="elevator"),
        title="西城实事加装电梯", owner_kind="person", owner_user=user_b,
        owner_name="西城实事责任人",
        due_on=timezone.localdate() + timedelta(days=30), public=False,
    )  # fmt: skip
    update = ActionUpdate.objects.create(
        action=item, kind="progress", progress=10, text="西城实事进展",
        photos=[{"path": "deliberation/x.jpg", "thumb": "deliberation/x.jpg"}],
    )  # fmt: skip
    return {"delib_action_b": item, "delib_update_b": update}


def _fund_objects(district):
    """A community fund of 西关社区 with a donation and a spending request (社区慈善基金)."""
    from shegong.grants.actions import spending

    fund = testing.community_fund(district["community_b"], name="西城基金", balance="100")
    request = spending.request_spending(
        None, fund, title="西城基金助老", purpose="西城基金用途", amount_value="10"
    )
    return {"fund_b": fund, "fund_spending_b": request}


def _tiny_photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("西城.jpg", buffer.getvalue(), content_type="image/jpeg")


def _matching_h5_objects(district, user_b):
    """A street-B resident's service order, in the grab pool of street B (matching H5)."""
    from shegong.matching.actions import orders

    order = testing.match_order(
        user_b, district["community_b"], "meals", point=testing.POINT_B,
        description="西城帮扶送餐", photos=[{"path": "matching/x.jpg", "thumb": "matching/x.jpg"}],
    )  # fmt: skip
    orders.approve(order, None)
    return {"matching_order_b": order}


def _topic_objects(district, user_b):
    """A topic a street-B resident raised, with a photo record (deliberation topics)."""
    from shegong.deliberation.actions import topics

    testing.deliberation_categories()
    from shegong.deliberation.models import TopicCategory

    topic = topics.submit(
        user_b, region=district["community_b"], category=TopicCategory.objects.first(),
        title="西城帮扶议题", body="西城帮扶：加装电梯",
        photos=[{"path": "deliberation/x.jpg", "thumb": "deliberation/x.jpg"}],
    )  # fmt: skip
    return {"topic_b": topic}


def _meeting_objects(district):
    """A meeting of 西关社区 (street B), its notice and record published (deliberation)."""
    from django.utils import timezone

    from shegong.deliberation.models import Meeting

    meeting = Meeting.objects.create(
        region=district["community_b"], kind="consultation", title="西关社区议事会",
        starts_at=timezone.now(), place="西关社区会议室", signin_code="246810",
        notice="西城通知：议事会", notice_published_at=timezone.now(),
        record_published_at=timezone.now(), status="closed", summary="西城居民意见",
    )  # fmt: skip
    return {"meeting_b": meeting}


def _ledger_objects(district):
    """Street B's ledger: an organization with a current job, a person, a party organization."""
    from shegong.ledger.tests import records_fixtures as build

    org_b = build.org(district["grid_b"], "西城台账企业")
    person_b = build.party_member(district["grid_b"], "西城台账人员")
    party_org_b = build.party_org(
        district["community_b"], "西城台账临时党支部", "temporary_branch", secretary=person_b
    )
    from shegong.ledger.actions.records import start_employment

    job_b = start_employment(person_b, org_b, actor=None, position="西城台账职务")
    return {
        "org_b": org_b,
        "job_b": job_b,
        "person_b": person_b,
        "party_org_b": party_org_b,
        "party_membership_b": party_org_b.memberships.get(),
    }


def test_street_a_never_sees_street_b(client, street_a_staff, street_b_objects):
    client.force_login(street_a_staff)
    leaks = scope_walk.find_leaks(client, street_b_objects, MARKERS)
    assert leaks == []


def test_the_walk_covers_api_operations_and_object_pages():
    routes = {r.name for r in scope_walk.iter_routes()}
    assert "regions:detail" in routes
    from shegong.api import api

    assert "/api/v1/regions/{code}" in api.get_openapi_schema()["paths"]


# --- a test of the test: an unscoped view must make the walk fail ---------------------------


def _leaky_detail(request, pk):
    return HttpResponse(User.objects.get(pk=pk).name)


def _leaky_list(request):
    return HttpResponse("、".join(User.objects.values_list("name", flat=True)))


leaky_urlpatterns = [
    path("leak/users/<int:pk>/", _leaky_detail, name="leak_detail"),
    path("leak/users/", _leaky_list, name="leak_list"),
]


def test_the_walk_reports_an_unscoped_view(client, settings, street_a_staff, street_b_objects):
    from django.urls import clear_url_caches

    import shegong.urls

    class LeakyUrls:
        urlpatterns = [*leaky_urlpatterns, *shegong.urls.urlpatterns]
        handler404 = shegong.urls.handler404

    settings.ROOT_URLCONF = LeakyUrls
    clear_url_caches()
    try:
        client.force_login(street_a_staff)
        leaks = scope_walk.find_leaks(client, street_b_objects, MARKERS)
    finally:
        clear_url_caches()
    assert any("leak_detail" in leak for leak in leaks), leaks
    assert any("/leak/users/" in leak and "西城居民" in leak for leak in leaks), leaks


def test_audit_rows_are_scoped_like_everything_else(district, street_a_staff, street_b_objects):
    visible = AuditEvent.objects.visible_to(street_a_staff)
    assert not visible.filter(pk=street_b_objects["audit_b"].pk).exists()


# Pages anyone may open without logging in.
PUBLIC_PAGES = {
    "login",
    "healthz",
    "reports_public:list",
    "reports_public:detail",
    "reports_public:photo",
    # the public maps' base layer: district, street and community outlines (never the grids)
    "regions_public:boundaries",
    "stations_m:m_nearest",
    "stations_public:map",
    # the public honour roll: published role models of every street, by design
    "stations_public:roll",
    "stations_public:photo",
}


def test_every_page_needs_a_login_unless_it_is_listed_public(client, street_b_objects):
    """An anonymous visitor is sent to the login page from every page but the public ones."""
    open_pages = []
    for route in scope_walk.iter_routes():
        if route.pattern.startswith(scope_walk.UNSCOPED_PREFIXES) or "(?P<" in route.pattern:
            continue
        if route.name in PUBLIC_PAGES:
            continue
        kwargs = scope_walk.OBJECT_URLS[route.name](street_b_objects) if route.params else {}
        url = scope_walk.fill(route.pattern, kwargs)
        response = client.get(url)
        if not (response.status_code == 302 and "/accounts/login/" in response["Location"]):
            if response.status_code != 405:
                open_pages.append(f"{url} → {response.status_code}")
    assert open_pages == []
