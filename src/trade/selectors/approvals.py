"""The runs awaiting approval that a user may see: every one to those who may approve
(trade.approve_replacement), and to anyone else only their own imports."""

from django.db.models import QuerySet

from trade.models import APPROVE_REPLACEMENT, ImportRun


def pending_runs(user) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.filter(status=ImportRun.Status.PENDING).prefetch_related('files').order_by('started', 'id')
    if user.has_perm(APPROVE_REPLACEMENT):
        return runs
    return runs.filter(actor_id=user.pk) if user.is_authenticated else runs.none()
