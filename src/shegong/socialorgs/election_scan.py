"""The daily 换届 and dormant scan (issue 14 §5): reminders to the organization's accounts at
six and three months before the term ends (once each per term end), then the dormant detection
(one open case per organization)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shegong.core.notify import notify, register_event
from shegong.core.scans import periodic_scan

from . import terms
from .actions import election
from .models import OrgAccount, SocialOrg, TermReminder

register_event(
    "socialorgs.term_due",
    title="换届提醒：本届任期将于 {{ term_end }} 届满",
    body="{{ name }}本届理事会任期将于 {{ term_end }} 届满（还有约{{ months }}个月），"
    "请按章程做好换届筹备；确需延期换届的，请在届满前提出申请（最长不超过1年）。",
    link="{{ url }}",
)


def send_reminders(today: date | None = None) -> int:
    """Notify the accounts of each organization entering the −6 or −3 month window; a
    ``TermReminder`` row (unique per term end and window) makes each one go out once."""
    today = today or timezone.localdate()
    sent = 0
    for months, state in ((6, "due6"), (3, "due3")):
        due = terms.term_orgs(SocialOrg.objects.all(), state, today).select_related("organization")
        for so in due.iterator(chunk_size=500):
            if TermReminder.objects.filter(
                social_org=so, term_end=so.term_end, months=months
            ).exists():
                continue
            try:
                with transaction.atomic():
                    TermReminder.objects.create(social_org=so, term_end=so.term_end, months=months)
                    for account in OrgAccount.objects.filter(social_org=so).select_related("user"):
                        notify(
                            account.user, "socialorgs.term_due",
                            {"name": so.organization.name, "term_end": so.term_end.isoformat(),
                             "months": months, "url": reverse("socialorgs:portal_election")},
                        )  # fmt: skip
            except IntegrityError:  # another worker sent it
                continue
            sent += 1
    return sent


@periodic_scan(
    "socialorgs.election_scan", every=timedelta(days=1), title="换届提醒与僵尸型社会组织排查"
)
def election_scan(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    reminded = send_reminders(today)
    opened = election.run_detection(actor=None, on=today)
    return {"reminded": reminded, "opened": len(opened)}
