"""The demo ledger: it loads, is idempotent, has plausible numbers and valid fake identities."""

from django.core.management import call_command
from django.db.models import Q

from shegong.core import demo
from shegong.core.pii import blind_index, id_facts, validate_id_number
from shegong.ledger.choices import CoverageMode, PoliticalStatus
from shegong.ledger.models import (
    Coverage,
    Employment,
    GuidanceVisit,
    InstructorAssignment,
    Organization,
    PartyOrganization,
    Person,
    ReviewCampaign,
    ReviewTask,
)


def test_the_small_demo_ledger_is_plausible(db):
    created = demo.load("small")
    # The ledger's own units: the social-organization registry's demo registers the ledger's
    # social organizations (keeping their staff counts) and files its own on top (without).
    orgs = Organization.objects.filter(Q(social_org__isnull=True) | Q(employee_count__isnull=False))
    assert created["ledger"] == orgs.count() and 25 <= orgs.count() <= 40
    assert {"enterprise", "individual", "social_org", "platform"} <= set(
        orgs.values_list("kind", flat=True)
    )
    assert orgs.filter(container__isnull=False).exists() or orgs.filter(kind="building").exists()
    assert Coverage.objects.filter(organization__in=orgs).count() == orgs.count()
    # The ledger's own people (the riders, volunteers, social workers and the elderly of the
    # standing meal orders later loaders register are people too).
    from shegong.matching.models import StandingOrder

    served = StandingOrder.objects.values("beneficiary_id")
    people = (
        Person.objects.filter(
            worker__isnull=True, volunteer__isnull=True, social_worker__isnull=True
        )
        .exclude(pk__in=served)
        .count()
    )
    assert people == Employment.objects.count() and 250 <= people <= 400
    members = Person.objects.filter(political_status__startswith="party").count()
    assert 20 <= members <= 60
    assert PartyOrganization.objects.filter(type="committee").count() == 2
    assert Coverage.objects.filter(mode=CoverageMode.STANDALONE).exists()
    assert InstructorAssignment.objects.exists() and GuidanceVisit.objects.exists()
    campaign = ReviewCampaign.objects.get()
    assert campaign.status == "open" and campaign.tasks.exists()
    assert set(ReviewTask.objects.values_list("assignee__phone", flat=True)) == {"13800000002"}


def test_every_demo_person_has_a_valid_id_number_that_decrypts(db):
    from shegong.matching.models import StandingOrder

    demo.load("small")
    # the elderly of the standing meal orders have no phone (staff order on their behalf)
    served = set(StandingOrder.objects.values_list("beneficiary_id", flat=True))
    for person in Person.objects.all():
        number = person.id_number  # decrypted by the field
        assert validate_id_number(number).startswith("341202")
        assert person.id_number_index == blind_index(number)
        facts = id_facts(number)
        assert (person.birth_date, person.sex) == (facts.birth_date, facts.sex)
        # riders, volunteers and social workers keep their own phone numbers
        roles = ("worker", "volunteer", "social_worker")
        if person.pk not in served and not any(hasattr(person, p) for p in roles):
            assert person.phone.startswith("137000")
    mobile = Person.objects.filter(is_mobile_member=True)
    assert all(p.political_status != PoliticalStatus.MASSES for p in mobile)


def test_every_credit_code_is_valid(db):
    from shegong.core.pii import validate_credit_code

    demo.load("small")
    for code in Organization.objects.exclude(credit_code=None).values_list(
        "credit_code", flat=True
    ):
        assert validate_credit_code(code) == code


def test_loading_twice_adds_no_ledger_rows(db):
    demo.load("small")
    counts = (Organization.objects.count(), Person.objects.count(), ReviewTask.objects.count())
    second = demo.load("small")
    assert set(second.values()) == {0}
    after = (Organization.objects.count(), Person.objects.count(), ReviewTask.objects.count())
    assert after == counts


def test_loaddemo_prints_the_ledger_counts(db, capsys):
    call_command("loaddemo", "--size", "small")
    out = capsys.readouterr().out
    assert "ledger.organizations" in out and "ledger.people" in out
