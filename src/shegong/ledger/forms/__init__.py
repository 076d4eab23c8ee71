"""The ledger's page forms, one module per subject as in ``views/``: ``records``
(organizations, people, party organizations, and the list filters), ``campaigns`` (回头看,
review tasks, instructors and visits), ``coverage`` (the rules pages' filters), ``imports``.
"""
