"""The statistics page's filter: a range of dates (the past year by default) and a community of
the user's scope (``web.forms.PeriodFilter``)."""

from __future__ import annotations

from typing import Any

from shegong.core import periods
from shegong.deliberation.queries import statistics
from shegong.web.forms import PeriodFilter


class StatisticsFilter(PeriodFilter):
    default_period = staticmethod(periods.past_year)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, communities=statistics.communities(user), **kwargs)
