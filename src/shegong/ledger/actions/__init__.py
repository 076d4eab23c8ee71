"""Every state change of the ledger, one function per verb (STYLE.md rule 2).

One module per subject: ``records`` (organizations, people, employment, coverage), ``party``
(party organizations and members), ``guidance`` (instructors and their visits), ``campaigns``
(回头看), ``imports`` (Excel/CSV imports). Import from the module:
``from shegong.ledger.actions.records import create_organization``.
"""
