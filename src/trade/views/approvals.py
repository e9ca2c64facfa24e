"""The review of imports that would replace official statistics (trade.services.approvals).

The list shows each pending run with what it changes (rows and value before and after, and the
difference) to those who may approve, and to an importer their own runs awaiting review; the
actions are POST (CSRF-protected) and answer 403 to anyone the service would refuse.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamkor.auth import permission_required
from trade import services
from trade.models import ImportRun
from trade.selectors.approvals import pending_runs
from trade.services.approvals import APPROVE_PERMISSION, may_review


def approval_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    runs = pending_runs(request.user)
    if not request.user.has_perm(APPROVE_PERMISSION) and not runs.exists():
        raise PermissionDenied
    rows = [{'run': run, 'may_review': may_review(request.user, run)} for run in runs]
    return render(request, 'trade/approvals.html', {'rows': rows})


@require_POST
@permission_required(APPROVE_PERMISSION)
def approve(request, pk: int):
    return _review(request, pk, services.approve_run, _('Import run #%(id)s approved: its slices are now current.'))


@require_POST
@permission_required(APPROVE_PERMISSION)
def reject(request, pk: int):
    return _review(request, pk, services.reject_run, _('Import run #%(id)s rejected: its files are removed.'))


def _review(request, pk: int, action, done: str):
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        action(run=run, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {'id': run.pk})
    return redirect('trade:approvals')
