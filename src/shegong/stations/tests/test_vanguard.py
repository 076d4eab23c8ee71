"""党员先锋岗/责任区 and 先进典型: the actions (vanguard.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.ledger.models import Person
from shegong.ledger.tests.records_fixtures import id_number
from shegong.stations.actions import vanguard
from shegong.stations.models import RoleModel, VanguardPost


def photo(name: str = "a.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def person(region, name="张先锋", status="party_full", **extra) -> Person:
    return Person.objects.create(
        name=name, id_number=id_number(), region=region, political_status=status,
        phone="13912345678", **extra,
    )  # fmt: skip


def post_values(district, holders, **extra):
    values = {
        "kind": "post", "name": "东关快递党员先锋岗", "region": district["grid_a"].code,
        "since": date(2026, 7, 1), "holder_id_numbers": [p.id_number for p in holders],
    }  # fmt: skip
    values.update(extra)
    return values


def model_values(district, who, **extra):
    values = {
        "title": "十佳骑手", "year": 2026, "person_id_number": who.id_number,
        "citation": "风雨无阻，热心公益。", "region": district["grid_a"].code,
    }  # fmt: skip
    values.update(extra)
    return values


# --- posts ------------------------------------------------------------------------------------


def test_save_post_with_party_members_is_audited(district, street_a_staff):
    full = person(district["grid_a"])
    probationary = person(district["grid_a"], "李预备", "party_probationary")
    post = vanguard.save_vanguard_post(
        actor=street_a_staff, **post_values(district, [full, probationary])
    )
    assert set(post.holders.all()) == {full, probationary}
    event = AuditEvent.objects.get(verb=Verb.VANGUARD_SAVED)
    assert event.data["created"] is True and event.data["holders"] == 2


def test_a_non_member_holder_is_refused_with_the_message(district, street_a_staff):
    member = person(district["grid_a"])
    masses = person(district["grid_a"], "王群众", "masses")
    with pytest.raises(InvalidInput) as caught:
        vanguard.save_vanguard_post(actor=street_a_staff, **post_values(district, [member, masses]))
    messages = [e["message"] for e in caught.value.errors if e["field"] == "holders"]
    assert messages == [vanguard.NOT_A_MEMBER.format(name=masses.name_masked)]
    assert "不是中共党员" in messages[0] and "王群众" not in messages[0]
    assert not VanguardPost.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.VANGUARD_SAVED).exists()


def test_a_holder_outside_the_scope_is_not_found(district, street_a_staff):
    outsider = person(district["grid_b"], "西城党员")
    with pytest.raises(InvalidInput) as caught:
        vanguard.save_vanguard_post(actor=street_a_staff, **post_values(district, [outsider]))
    assert caught.value.errors[0]["field"] == "holders"
    assert "西城党员" not in caught.value.detail
    assert not VanguardPost.objects.exists()


def test_post_bad_fields_all_reported(district, street_a_staff):
    member = person(district["grid_a"])
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    with pytest.raises(InvalidInput) as caught:
        vanguard.save_vanguard_post(
            actor=street_a_staff,
            **post_values(district, [member], kind="area", name="", since=tomorrow,
                          region=district["grid_b"].code),
        )  # fmt: skip
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"name", "area", "since", "region"}
    assert not VanguardPost.objects.exists()


def test_edit_post_scope_and_permission(district, street_a_staff, street_b_staff, resident):
    member = person(district["grid_a"])
    post = vanguard.save_vanguard_post(actor=street_a_staff, **post_values(district, [member]))
    with pytest.raises(NotFound):
        vanguard.save_vanguard_post(post, actor=street_b_staff, **post_values(district, [member]))
    with pytest.raises(NotPermitted):
        vanguard.save_vanguard_post(post, actor=resident, **post_values(district, [member]))
    other = person(district["grid_a"], "赵党员")
    vanguard.save_vanguard_post(
        post, actor=street_a_staff, **post_values(district, [other], active=False)
    )
    post.refresh_from_db()
    assert list(post.holders.all()) == [other] and post.active is False
    last = AuditEvent.objects.filter(verb=Verb.VANGUARD_SAVED).latest("pk")
    assert set(last.data["changed"]) == {"active", "holders"}


# --- role models ------------------------------------------------------------------------------


def test_role_model_with_a_photo(district, street_a_staff):
    who = person(district["grid_a"], "刘骑手", "masses")  # a role model need not be a member
    model = vanguard.save_role_model(
        actor=street_a_staff, photos=[photo()], **model_values(district, who)
    )
    assert model.person == who and model.published is True
    assert len(model.photo) == 1 and model.photo[0]["path"].startswith("honor/")
    assert default_storage.exists(model.photo[0]["thumb"])
    assert AuditEvent.objects.filter(verb=Verb.ROLE_MODEL_SAVED, target_id=str(model.pk)).exists()


def test_role_model_bad_input_writes_nothing(district, street_a_staff):
    who = person(district["grid_a"])
    future = timezone.localdate().year + 1
    with pytest.raises(InvalidInput) as caught:
        vanguard.save_role_model(
            actor=street_a_staff, photos=[photo()],
            **model_values(district, who, year=future, citation="  "),
        )  # fmt: skip
    assert {e["field"] for e in caught.value.errors} == {"year", "citation"}
    assert not RoleModel.objects.exists()
    assert not default_storage.exists("honor")  # the photo was never stored


def test_role_model_person_outside_scope(district, street_a_staff):
    outsider = person(district["grid_b"], "西城骑手")
    with pytest.raises(InvalidInput) as caught:
        vanguard.save_role_model(actor=street_a_staff, **model_values(district, outsider))
    assert caught.value.errors[0]["field"] == "person_id_number"


def test_role_model_edit_replaces_photo(
    district, street_a_staff, street_b_staff, django_capture_on_commit_callbacks
):
    who = person(district["grid_a"])
    model = vanguard.save_role_model(
        actor=street_a_staff, photos=[photo()], **model_values(district, who)
    )
    old = model.photo[0]["path"]
    with pytest.raises(NotFound):
        vanguard.save_role_model(model, actor=street_b_staff, **model_values(district, who))
    with django_capture_on_commit_callbacks(execute=True):
        model = vanguard.save_role_model(
            model, actor=street_a_staff, photos=[photo("b.jpg")], remove_photos=[0],
            **model_values(district, who, published=False),
        )  # fmt: skip
    assert len(model.photo) == 1 and model.photo[0]["path"] != old
    assert not default_storage.exists(old)
    assert model.published is False
