"""What waits in the registry: an upload whose workbook holds the template on several sheets, for
its uploader to say which (before the file is purged, MINXIN_FILE_RETENTION_DAYS after)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.core import todo
from minxin.registry.models import ImportJob


def _waiting(user):
    return ImportJob.objects.filter(created_by_id=user.pk, state=ImportJob.State.SHEET)


todo.register(
    "registry.import_sheet", label=gettext_lazy("导入待选择工作表"), queryset=_waiting, order_by="finished_at",
    due=lambda job: timezone.localdate(job.finished_at or job.created_at)
    + datetime.timedelta(days=settings.MINXIN_FILE_RETENTION_DAYS),
    title=lambda job: _("%(file)s：有 %(n)d 个工作表含导入模板的表头") % {"file": job.file_name, "n": len(job.sheet_choices)},
    url=lambda job: reverse("registry:import-job", args=[job.pk]))
