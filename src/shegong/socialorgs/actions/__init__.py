"""Every state change of a social organization, one function per verb (STYLE.md rule 2).

``records``: register, update, change status (with its legal basis), add a charter version.
Import from the module: ``from shegong.socialorgs.actions.records import register_social_org``.
"""
