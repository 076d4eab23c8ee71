"""The ledger's read side: every ``access_<noun>`` helper, the scoped lists, the aggregates.

One module per subject, as in ``actions/``: ``records`` (organizations, people, party
organizations, and the organization criteria shared with 回头看), ``campaigns`` (回头看 tasks,
instructors and visits), ``coverage`` (coverage summary and the party-building worklists),
``imports`` (import jobs). Import from the module:
``from shegong.ledger.queries.records import access_organization``.
"""
