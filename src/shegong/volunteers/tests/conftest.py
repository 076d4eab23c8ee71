"""Fixtures shared by the volunteer tests; each area adds its own, prefixed by the area's name
(append only)."""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.core.perms import Role

# --- activities -------------------------------------------------------------------------------


@pytest.fixture
def activities_leader(district):
    """The account of the 东关 team's leader (a volunteer without a workbench role)."""
    return testing.user(Role.VOLUNTEER, district["community_a"], name="东关队长")


@pytest.fixture
def activities_team(district, activities_leader):
    """A team in community A led by ``activities_leader``."""
    leader = testing.volunteer(district["community_a"], name="东关队长", account=activities_leader)
    return testing.team(district["community_a"], name="东关志愿服务队", leader=leader)


@pytest.fixture
def activities_member_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="东关志愿者")


@pytest.fixture
def activities_member(district, activities_member_user):
    """A volunteer with an account, in community A."""
    return testing.volunteer(
        district["community_a"], name="东关志愿者", account=activities_member_user
    )


# --- hours ------------------------------------------------------------------------------------


@pytest.fixture
def hours_leader_user(district):
    """The account of the 东关助老服务队's leader (a volunteer, no workbench role)."""
    return testing.user(Role.VOLUNTEER, district["community_a"], name="时长队长")


@pytest.fixture
def hours_team(district, hours_leader_user):
    """A team in community A led by ``hours_leader_user``, with a phone for certificates. It is
    a registered organization (a 统一社会信用代码 in the ledger) with a complete issuer profile
    (seal, 负责人 吴负责人, 经办人 郑经办), so it may issue certificates (民发〔2015〕149号)."""
    from shegong.ledger.models import Organization

    leader = testing.volunteer(district["community_a"], name="时长队长", account=hours_leader_user)
    org = Organization.objects.create(
        kind="social_org", name="东关助老服务队", region=district["community_a"],
        credit_code="52341202MJ0000001A",
    )  # fmt: skip
    testing.certificate_issuer(organization=org, phone="")
    return testing.team(
        district["community_a"], name="东关助老服务队", leader=leader, phone="0551-6000001",
        organization=org,
    )  # fmt: skip


@pytest.fixture
def hours_member_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="李小红")


@pytest.fixture
def hours_member(district, hours_member_user):
    """A volunteer with an account, serving with ``hours_team``."""
    return testing.volunteer(district["community_a"], name="李小红", account=hours_member_user)


@pytest.fixture
def hours_other_leader_user(district):
    """The leader of another team in the same community: an outsider to ``hours_team``."""
    user = testing.user(Role.VOLUNTEER, district["community_a"], name="别队队长")
    leader = testing.volunteer(district["community_a"], name="别队队长", account=user)
    testing.team(district["community_a"], name="东关环保队", leader=leader)
    return user


@pytest.fixture
def hours_record(hours_team, hours_member):
    """A builder of service records (pending, 2 h, paper kind by default) of ``hours_team``."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from shegong.volunteers.models import ServiceRecord

    def make(volunteer=None, team=None, *, hours="2.00", status="pending", kind="manual",
             served_on=None, **fields):  # fmt: skip
        team = team or hours_team
        fields.setdefault("content", "陪伴独居老人")
        return ServiceRecord.objects.create(
            volunteer=volunteer or hours_member, team=team, region=team.region, kind=kind,
            status=status, hours=Decimal(hours),
            served_on=served_on or timezone.localdate() - timedelta(days=1), **fields,
        )  # fmt: skip

    return make


# --- people (volunteers, teams, social workers) -----------------------------------------------


@pytest.fixture
def people_user(district):
    """A resident of community A with an account, not yet a volunteer."""
    return testing.user(
        Role.RESIDENT, district["community_a"], name="东关居民", phone="13900000021"
    )


@pytest.fixture
def people_volunteer(district):
    """An active volunteer of community A (no account)."""
    return testing.volunteer(district["community_a"], name="东关志愿者甲")


@pytest.fixture
def people_leader_user(district):
    return testing.user(Role.VOLUNTEER, district["community_a"], name="东关队长乙")


@pytest.fixture
def people_team(district, people_leader_user):
    """A team of community A led by ``people_leader_user`` (a volunteer, no workbench role)."""
    leader = testing.volunteer(
        district["community_a"], name="东关队长乙", account=people_leader_user
    )
    return testing.team(district["community_a"], name="东关助老服务队", leader=leader)


@pytest.fixture
def people_agency(district):
    """A social-work agency (a registered social organisation) in the ledger."""
    from shegong.ledger.models import Organization

    return Organization.objects.create(
        name="东城社工服务中心", credit_code="52341200MJ0000002R", kind="social_org",
        region=district["street_a"],
    )  # fmt: skip
