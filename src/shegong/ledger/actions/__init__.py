"""Every state change of the ledger, one function per verb (STYLE.md rule 2).

Split by subject so each module stays small: ``records`` (organizations, people, employment,
coverage), ``party`` (party organizations, members, instructors, visits), ``campaigns``
(回头看), ``imports`` (Excel/CSV imports). Import from here: ``from shegong.ledger import
actions; actions.create_organization(...)``.
"""

from .campaigns import *  # noqa: F403
from .guidance import *  # noqa: F403
from .imports import *  # noqa: F403
from .party import *  # noqa: F403
from .records import *  # noqa: F403
