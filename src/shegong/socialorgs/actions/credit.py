"""Credit lists (issue 14 §4, 民政部令第60号): the daily scan that lists and lifts by rule, and
the registrar's and the organization's verbs.

- ``scan(today)``: for each enabled rule (``credit_rules``), one query finds the facts not yet
  recorded; each fact becomes a ``CreditEvent`` that lists the organization (``CREDIT_LISTED``)
  or restarts the clock of its open listing (``CREDIT_CLOCK_RESTARTED``). Then the listings
  whose removal is due are removed (rectification verified; 6 months with nothing to rectify;
  the organization 注销). Each listing and removal writes its own audit entry.
- ``order_rectification``, ``verify_rectification``, ``record_returned_letter``,
  ``remove_listing`` (registrar), ``apply_to_leave`` (the organization's portal account).

``actor`` None is the system (the scan, the demo), which skips the permission and scope checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.core.perms import Perm, require_perm

from .. import credit_rules as rules
from ..choices import SocialOrgStatus
from ..credit_rules import ListKind
from ..models import (
    CreditEvent,
    CreditListing,
    Rectification,
    ReturnedLetter,
    SocialOrg,
    add_years,
)
from .records import _check_actor, _check_scope, _date, _text

__all__ = [
    "apply_to_leave",
    "order_rectification",
    "record_returned_letter",
    "remove_listing",
    "scan",
    "verify_rectification",
]

NOT_FOUND = "未找到该信用名录记录，或您无权查看"


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _moment(day: date) -> datetime:
    """Noon of ``day`` (a backdated system action's timestamp)."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def _check_listing_scope(actor: User | None, listing: CreditListing) -> None:
    if actor is not None and not (
        CreditListing.objects.visible_to(actor).filter(pk=listing.pk).exists()
    ):
        raise NotFound(NOT_FOUND)


# --- the scan -------------------------------------------------------------------------------


def _facts(r: rules.Rule, today: date) -> list[dict[str, Any]]:
    """The rule's new facts as ``{social_org_id, ref, fact, fact_on}``, oldest first."""
    found = []
    for row in rules.candidates(r, today):
        if r.key == "report_missed":
            year = row["year"]
            concluded = row["concluded_at"]
            fact_on = timezone.localdate(concluded) if concluded else date(year + 1, 5, 31)
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": year,
                    "fact": {"year": year},
                    "fact_on": min(fact_on, today),
                }
            )
        elif r.key == "rectification_overdue":
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["pk"],
                    "fact": {
                        "rectification": row["pk"],
                        "deadline": row["deadline"].isoformat(),
                        "matter": row["matter"][:200],
                    },
                    "fact_on": row["deadline"] + timedelta(days=1),
                }
            )
        elif r.key == "unreachable":
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["last"],
                    "fact": {},
                    "fact_on": today,
                }
            )
        elif r.key == "disclosure_overdue":
            due = row["disclosure_due_on"]
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["fact_ref"],
                    "fact": {"plan_id": row["pk"], "plan": row["title"][:100],
                             "due": due.isoformat()},
                    "fact_on": due + timedelta(days=1),
                }
            )  # fmt: skip
        elif r.key == "warned":
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["pk"],
                    "fact": {"penalty": row["pk"], "decision_number": row["decision_number"],
                             "decided_on": row["decided_on"].isoformat()},
                    "fact_on": row["decided_on"],
                }
            )  # fmt: skip
        elif r.key == "party_org_missing":
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["fact_ref"],
                    "fact": {"year": row["fact_ref"]},
                    "fact_on": today,
                }
            )
        elif r.key == "abnormal_two_years":
            found.append(
                {
                    "social_org_id": row["social_org_id"],
                    "ref": row["pk"],
                    "fact": {"listing": row["pk"], "listed_on": row["listed_on"].isoformat()},
                    "fact_on": add_years(row["listed_on"], 2),
                }
            )
        elif r.key == "struck_off":
            found.append(
                {
                    "social_org_id": row["pk"],
                    "ref": 0,
                    "fact": {
                        "status": row["status"],
                        "status_label": SocialOrgStatus(row["status"]).label,
                    },
                    "fact_on": min(timezone.localdate(row["updated_at"]), today),
                }
            )
    return sorted(found, key=lambda f: (f["fact_on"], f["social_org_id"]))


def _reason(r: rules.Rule, fact: dict[str, Any]) -> str:
    values = dict(fact)
    if r.key == "struck_off":
        values["status"] = fact.get("status_label", "")
    try:
        return r.label.format(**values)
    except (KeyError, IndexError):
        return r.label.split("（")[0]


def _entry(verb: Verb, so: SocialOrg, data: dict[str, Any], now: datetime) -> AuditEvent:
    """One audit entry of the system's scan (sealed into the chain by ``bulk_create``)."""
    return AuditEvent(
        verb=int(verb),
        actor_label="系统",
        at=now,
        target_type=SocialOrg._meta.label_lower,
        target_id=str(so.pk),
        target_label=str(so)[:200],
        region_id=so.organization.region_id,
        via="system",
        data=data,
    )


def _unreachable_facts(facts: list[dict[str, Any]], today: date) -> dict[int, list[int]]:
    """Fill each unreachable fact with its letters' dates (one query); the letters by org."""
    letters: dict[int, list[ReturnedLetter]] = {}
    for letter in ReturnedLetter.objects.filter(
        social_org_id__in=[f["social_org_id"] for f in facts], event__isnull=True
    ).order_by("sent_on", "pk"):
        letters.setdefault(letter.social_org_id, []).append(letter)
    for fact in facts:
        found = letters.get(fact["social_org_id"], [])
        fact["fact"] = {
            "letters": [
                {"sent_on": x.sent_on.isoformat(), "returned_on": x.returned_on.isoformat()}
                for x in found
            ],
            "first": found[0].sent_on.isoformat() if found else "",
            "second": found[-1].sent_on.isoformat() if found else "",
        }
        fact["fact_on"] = min(max((x.returned_on for x in found), default=today), today)
    return {org: [x.pk for x in found] for org, found in letters.items()}


@transaction.atomic(durable=True)
def _apply(r: rules.Rule, facts: list[dict[str, Any]], today: date) -> int:
    """Record the facts of one rule, set-based: each lists its organization or restarts the
    clock of the open listing; one audit entry per listing or restart. Returns how many
    organizations were listed."""
    if not facts:
        return 0
    now = _moment(today) if today != timezone.localdate() else timezone.now()
    org_ids = {f["social_org_id"] for f in facts}
    letters = _unreachable_facts(facts, today) if r.key == "unreachable" else {}
    orgs = SocialOrg.objects.filter(pk__in=org_ids).select_related("organization").in_bulk()
    open_listings = {
        listing.social_org_id: listing
        for listing in CreditListing.objects.select_for_update().filter(
            social_org_id__in=org_ids, kind=r.kind, removed_on__isnull=True
        )
    }
    moved: dict[int, int] = {}
    if r.key == "abnormal_two_years":
        moved = {f["social_org_id"]: f["ref"] for f in facts}
        CreditListing.objects.filter(pk__in=list(moved.values()), removed_on__isnull=True).update(
            removed_on=today, removal_reason="列入活动异常名录满2年，转入严重违法失信名单"
        )
        for org_id, listing in list(open_listings.items()):
            if listing.kind == ListKind.ABNORMAL and org_id in moved:
                del open_listings[org_id]
    new: dict[int, CreditListing] = {}
    joined: dict[int, CreditListing] = {}
    restarted: list[tuple[dict[str, Any], CreditListing]] = []
    for fact in facts:
        org_id = fact["social_org_id"]
        rectification_id = fact["fact"].get("rectification")
        found = open_listings.get(org_id) or new.get(org_id)
        if found is None:
            so = orgs[org_id]
            new[org_id] = CreditListing(
                social_org=so,
                kind=r.kind,
                rule=r.key,
                fact=fact["fact"],
                fact_on=fact["fact_on"],
                listed_on=today,
                reason=_reason(r, fact["fact"]),
                how_to_leave=r.how_to_leave,
                authority=so.registration_authority,
                clock_from=fact["fact_on"],
                needs_rectification=r.needs_rectification,
                rectification_id=rectification_id,
                from_listing_id=moved.get(org_id),
                created_at=now,
            )
            continue
        listing = found
        listing.clock_from = max(listing.clock_from, fact["fact_on"])
        listing.needs_rectification = listing.needs_rectification or r.needs_rectification
        if rectification_id:
            listing.rectification_id = rectification_id
        if listing.pk:
            joined[listing.pk] = listing
        restarted.append((fact, listing))
    CreditListing.objects.bulk_create(list(new.values()), batch_size=1000)
    CreditListing.objects.bulk_update(
        list(joined.values()),
        ["clock_from", "needs_rectification", "rectification"],
        batch_size=1000,
    )
    events = CreditEvent.objects.bulk_create(
        [
            CreditEvent(
                social_org_id=f["social_org_id"],
                rule=r.key,
                ref=f["ref"],
                fact=f["fact"],
                fact_on=f["fact_on"],
                listing=open_listings.get(f["social_org_id"]) or new[f["social_org_id"]],
                found_at=now,
            )
            for f in facts
        ],
        batch_size=1000,
    )
    if letters:
        by_org = {e.social_org_id: e for e in events}
        for org_id, pks in letters.items():
            ReturnedLetter.objects.filter(pk__in=pks).update(event=by_org[org_id])
    entries = [
        _entry(
            Verb.CREDIT_LISTED,
            orgs[org_id],
            {
                "listing": listing.pk,
                "kind": ListKind(r.kind).label,
                "rule": rules.RULE_NAMES[r.key],
                "fact": listing.fact,
                "listed_on": today.isoformat(),
                "basis": r.basis,
                **({"moved_from": moved[org_id]} if org_id in moved else {}),
            },
            now,
        )
        for org_id, listing in new.items()
    ] + [
        _entry(
            Verb.CREDIT_CLOCK_RESTARTED,
            orgs[fact["social_org_id"]],
            {
                "listing": listing.pk,
                "rule": rules.RULE_NAMES[r.key],
                "fact": fact["fact"],
                "clock_from": listing.clock_from.isoformat(),
            },
            now,
        )
        for fact, listing in restarted
    ]
    AuditEvent.objects.bulk_create(entries, batch_size=1000)
    return len(new)


def _removal_reason(listing: CreditListing, today: date) -> str:
    if listing.social_org.status == SocialOrgStatus.DEREGISTERED:
        return "该社会组织已办理注销登记"
    if listing.needs_rectification:
        verified = listing.rectification.verified_at if listing.rectification else None
        return (
            f"整改已于{timezone.localdate(verified):%Y-%m-%d}经登记管理机关核实" if verified else ""
        )
    return f"列入活动异常名录满{rules.ABNORMAL_MONTHS}个月，且无需整改"


@transaction.atomic(durable=True)
def _remove_due(today: date) -> int:
    """Remove every listing whose removal is due, set-based; one audit entry each."""
    now = _moment(today) if today != timezone.localdate() else timezone.now()
    due = list(
        CreditListing.objects.select_for_update(of=("self",))
        .filter(rules.removal_due(today) | _deregistered())
        .select_related("social_org__organization", "rectification")
    )
    for listing in due:
        listing.removed_on = today
        listing.removal_reason = _removal_reason(listing, today)
    CreditListing.objects.bulk_update(due, ["removed_on", "removal_reason"], batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            _entry(
                Verb.CREDIT_REMOVED,
                listing.social_org,
                {
                    "listing": listing.pk,
                    "kind": ListKind(listing.kind).label,
                    "rule": rules.RULE_NAMES.get(listing.rule, listing.rule),
                    "removed_on": today.isoformat(),
                    "reason": listing.removal_reason,
                },
                now,
            )
            for listing in due
        ],
        batch_size=1000,
    )
    return len(due)


def _deregistered() -> Any:
    from django.db.models import Q

    return Q(removed_on__isnull=True, social_org__status=SocialOrgStatus.DEREGISTERED)


def _close(listing: CreditListing, reason: str, *, actor: User | None, today: date) -> None:
    listing.removed_on = today
    listing.removal_reason = reason
    listing.removed_by = actor
    listing.save(update_fields=["removed_on", "removal_reason", "removed_by"])
    so = listing.social_org
    audit.record(
        Verb.CREDIT_REMOVED,
        actor=actor,
        target=so,
        region=so.organization.region_id,
        data={
            "listing": listing.pk,
            "kind": ListKind(listing.kind).label,
            "rule": rules.RULE_NAMES.get(listing.rule, listing.rule),
            "removed_on": today.isoformat(),
            "reason": reason,
        },
    )


def scan(today: date | None = None) -> dict[str, int]:
    """The daily credit-list scan: remove what is due, then record each rule's new facts.
    Idempotent: a second run the same day finds nothing."""
    today = _today(today)
    result = {"removed": _remove_due(today)}
    for r in rules.active_rules():
        result[r.key] = _apply(r, _facts(r, today), today)
    return result


# --- the registrar's verbs ------------------------------------------------------------------


@transaction.atomic(durable=True)
def order_rectification(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    on: date | None = None,
) -> Rectification:
    """责令整改: what, by when, ordered by whom. Linked to the organization's open 异常名录
    listing when that listing waits for a rectification."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    today = _today(on)
    errors: list[dict[str, str]] = []
    matter = _text(data.get("matter"))
    if not matter:
        errors.append({"field": "matter", "message": "请填写整改事项"})
    elif len(matter) > 1000:
        errors.append({"field": "matter", "message": "整改事项不能超过1000个字"})
    ordered_by = _text(data.get("ordered_by")) or social_org.registration_authority
    if len(ordered_by) > 100:
        errors.append({"field": "ordered_by", "message": "责令机关不能超过100个字"})
    deadline = _date(data, "deadline", "整改期限", errors, required=True)
    if deadline and deadline < today:
        errors.append({"field": "deadline", "message": "整改期限不能早于今天"})
    InvalidInput.raise_if_any(errors)
    if social_org.status in (SocialOrgStatus.DEREGISTERED,):
        raise DomainError("该社会组织已注销登记，不能责令整改")
    rectification = Rectification.objects.create(
        social_org=social_org,
        ordered_by=ordered_by,
        ordered_on=today,
        matter=matter,
        deadline=deadline,
        created_by=actor,
        created_at=_moment(today) if on else timezone.now(),
    )
    listing = (
        CreditListing.objects.select_for_update()
        .filter(
            social_org=social_org,
            kind=ListKind.ABNORMAL,
            removed_on__isnull=True,
            needs_rectification=True,
            rectification__isnull=True,
        )
        .first()
    )
    if listing is not None:
        listing.rectification = rectification
        listing.save(update_fields=["rectification"])
    audit.record(
        Verb.RECTIFICATION_ORDERED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "rectification": rectification.pk,
            "deadline": deadline.isoformat(),
            "listing": listing.pk if listing else None,
        },
    )
    return rectification


@transaction.atomic(durable=True)
def verify_rectification(
    rectification: Rectification,
    note: str,
    *,
    actor: User | None,
    on: date | None = None,
) -> Rectification:
    """核实整改: the listing waiting for it becomes due for removal (the daily scan removes it,
    within 5 working days; the registrar may remove it at once)."""
    _check_actor(actor)
    if actor is not None and not (
        Rectification.objects.visible_to(actor).filter(pk=rectification.pk).exists()
    ):
        raise NotFound("未找到该整改记录，或您无权查看")
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("social_org__organization")
        .get(pk=rectification.pk)
    )
    text = _text(note)
    if not text:
        raise InvalidInput.field("verification_note", "请填写核实情况")
    if len(text) > 1000:
        raise InvalidInput.field("verification_note", "核实情况不能超过1000个字")
    if rectification.verified_at is not None:
        raise DomainError(
            f"该整改已于{timezone.localdate(rectification.verified_at):%Y-%m-%d}核实，不能重复核实"
        )
    rectification.verified_at = _moment(on) if on else timezone.now()
    rectification.verified_by = actor
    rectification.verification_note = text
    rectification.save(update_fields=["verified_at", "verified_by", "verification_note"])
    so = rectification.social_org
    audit.record(
        Verb.RECTIFICATION_VERIFIED,
        actor=actor,
        target=so,
        region=so.organization.region_id,
        data={"rectification": rectification.pk, "note": text},
    )
    return rectification


@transaction.atomic(durable=True)
def record_returned_letter(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    on: date | None = None,
) -> ReturnedLetter:
    """登记挂号信退回: a registered letter to the registered address came back. The second such
    letter (sent at least 15 days after the first) lists the organization at the next scan."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    today = _today(on)
    errors: list[dict[str, str]] = []
    sent_on = _date(data, "sent_on", "寄出日期", errors, required=True)
    returned_on = _date(data, "returned_on", "退回日期", errors, required=True)
    if returned_on and returned_on > today:
        errors.append({"field": "returned_on", "message": "退回日期不能晚于今天"})
    if sent_on and returned_on and returned_on < sent_on:
        errors.append({"field": "returned_on", "message": "退回日期不能早于寄出日期"})
    address = _text(data.get("address")) or social_org.organization.address
    if not address:
        errors.append({"field": "address", "message": "请填写寄送地址（登记的住所）"})
    elif len(address) > 300:
        errors.append({"field": "address", "message": "寄送地址不能超过300个字"})
    tracking = _text(data.get("tracking_number"))
    if len(tracking) > 50:
        errors.append({"field": "tracking_number", "message": "挂号信编号不能超过50个字"})
    InvalidInput.raise_if_any(errors)
    if social_org.status == SocialOrgStatus.DEREGISTERED:
        raise DomainError("该社会组织已注销登记，无需登记挂号信")
    previous = (
        ReturnedLetter.objects.filter(social_org=social_org, event__isnull=True)
        .order_by("-sent_on")
        .first()
    )
    gap = rules.LETTER_MIN_INTERVAL_DAYS
    if previous is not None and sent_on and sent_on < previous.sent_on + timedelta(days=gap):
        raise InvalidInput.field(
            "sent_on",
            f"两次挂号信寄出应间隔不少于{gap}日（上一封于{previous.sent_on:%Y-%m-%d}寄出）",
        )
    letter = ReturnedLetter.objects.create(
        social_org=social_org,
        sent_on=sent_on,
        returned_on=returned_on,
        address=address,
        tracking_number=tracking,
        recorded_by=actor,
        recorded_at=_moment(today) if on else timezone.now(),
    )
    audit.record(
        Verb.RETURNED_LETTER_RECORDED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "letter": letter.pk,
            "sent_on": sent_on.isoformat(),
            "returned_on": returned_on.isoformat(),
        },
    )
    return letter


def removal_refusal(listing: CreditListing, today: date) -> str:
    """Why ``listing`` may not be removed today ("" when it may)."""
    if listing.removed_on is not None:
        return f"该记录已于{listing.removed_on:%Y-%m-%d}移出"
    so = listing.social_org
    if listing.kind == ListKind.ABNORMAL:
        verified = listing.rectification is not None and listing.rectification.verified_at
        if listing.needs_rectification and not verified:
            return "该组织须完成整改并经登记管理机关核实后方可移出活动异常名录，请先核实整改"
        return ""
    if listing.rule == "struck_off":
        if so.status != SocialOrgStatus.DEREGISTERED:
            return (
                "被撤销登记或吊销登记证书的社会组织，只有在办理注销登记后方可移出严重违法失信名单"
            )
        return ""
    eligible = add_years(listing.listed_on, rules.SERIOUS_LEAVE_YEARS)
    if today < eligible:
        return f"列入严重违法失信名单满2年（{eligible:%Y-%m-%d}）后方可申请移出"
    if listing.leave_applied_at is None:
        return "严重违法失信名单须由社会组织提出移出申请后方可移出"
    return ""


@transaction.atomic(durable=True)
def remove_listing(
    listing: CreditListing,
    reason: str,
    *,
    actor: User | None,
    on: date | None = None,
) -> CreditListing:
    """移出信用名录, with the reason the organization sees. Refused without a verified
    rectification (when one is required), before 2 years or without an application on the
    严重违法失信名单, and for a 撤销/吊销 organization before its 注销."""
    _check_actor(actor)
    _check_listing_scope(actor, listing)
    listing = (
        CreditListing.objects.select_for_update(of=("self",))
        .select_related("social_org__organization", "rectification")
        .get(pk=listing.pk)
    )
    text = _text(reason)
    if not text:
        raise InvalidInput.field("removal_reason", "请填写移出事由")
    if len(text) > 500:
        raise InvalidInput.field("removal_reason", "移出事由不能超过500个字")
    today = _today(on)
    refusal = removal_refusal(listing, today)
    if refusal:
        raise DomainError(refusal)
    _close(listing, text, actor=actor, today=today)
    return listing


@transaction.atomic(durable=True)
def apply_to_leave(
    listing: CreditListing,
    statement: str,
    *,
    actor: User | None,
    on: date | None = None,
) -> CreditListing:
    """申请移出严重违法失信名单 by the organization itself (its portal account), after 2 years;
    a 撤销/吊销 listing is refused (it leaves only through 注销)."""
    if actor is not None:
        require_perm(actor, Perm.ORG_PORTAL)
        from ..portal import portal_org

        if portal_org(actor).pk != listing.social_org_id:
            raise NotFound(NOT_FOUND)
    listing = (
        CreditListing.objects.select_for_update(of=("self",))
        .select_related("social_org__organization")
        .get(pk=listing.pk)
    )
    text = _text(statement)
    if not text:
        raise InvalidInput.field("leave_statement", "请说明已履行的义务和未再发生失信情形的情况")
    if len(text) > 2000:
        raise InvalidInput.field("leave_statement", "申请说明不能超过2000个字")
    today = _today(on)
    if listing.kind != ListKind.SERIOUS or listing.removed_on is not None:
        raise DomainError("只有仍在严重违法失信名单中的记录可以申请移出")
    if listing.rule == "struck_off":
        raise DomainError(
            "被撤销登记或吊销登记证书的社会组织，只有在办理注销登记后方可移出严重违法失信名单"
        )
    eligible = add_years(listing.listed_on, rules.SERIOUS_LEAVE_YEARS)
    if today < eligible:
        raise DomainError(f"列入严重违法失信名单满2年（{eligible:%Y-%m-%d}）后方可申请移出")
    if listing.leave_applied_at is not None:
        raise DomainError("已提交移出申请，请等待登记管理机关办理")
    listing.leave_applied_at = _moment(today) if on else timezone.now()
    listing.leave_statement = text
    listing.save(update_fields=["leave_applied_at", "leave_statement"])
    so = listing.social_org
    audit.record(
        Verb.CREDIT_LEAVE_APPLIED,
        actor=actor,
        target=so,
        region=so.organization.region_id,
        data={"listing": listing.pk},
    )
    return listing
