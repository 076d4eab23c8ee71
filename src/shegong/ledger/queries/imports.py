"""Read side of the ledger's imports: the uploader's own import jobs.

Jobs are personal: another user — of any street — gets NotFound for someone else's job, its
preview and its error workbook, which hold personal data from the uploaded file.
"""

from __future__ import annotations

from typing import Any

from shegong.core.errors import NotFound
from shegong.core.models import JobRun

from ..tasks import JOB_KIND


def access_import_job(user: Any, pk: int) -> JobRun:
    job = JobRun.objects.filter(pk=pk, kind=JOB_KIND, created_by_id=user.pk).first()
    if job is None:
        raise NotFound("未找到该导入任务，或您无权查看")
    return job
