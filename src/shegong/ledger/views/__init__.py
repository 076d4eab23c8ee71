"""The ledger's staff pages under /ledger/, one module per subject: ``records``
(organizations, people, party organizations), ``coverage`` (the party-building rules pages),
``campaigns`` (回头看, review tasks, instructors and visits), ``imports`` (the import wizard).
The ledger has no H5 or public pages.
"""
