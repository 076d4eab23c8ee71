"""The statistics page's filter: a range of dates and a community of the user's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from shegong.deliberation.queries import statistics
from shegong.web.forms import DATE, StyledForm


class StatisticsFilter(StyledForm):
    compact = True

    start = forms.DateField(label="开始日期", required=False, widget=DATE)
    end = forms.DateField(label="结束日期", required=False, widget=DATE)
    community = forms.ChoiceField(label="社区", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [
            ("", "全部社区"),
            *((r.code, r.name) for r in statistics.communities(user).only("code", "name")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in self.errors or "end" in self.errors:
            return data
        default = statistics.past_year(timezone.localdate())
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if end < start:
            self.add_error("end", "结束日期不能早于开始日期")
        elif end - start > timedelta(days=statistics.MAX_DAYS):
            self.add_error("start", "统计期不能超过 3 年")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> statistics.Period:
        return statistics.Period(self.cleaned_data["start"], self.cleaned_data["end"])
