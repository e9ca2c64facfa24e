"""The page of a job: where it stands while it is queued or running (refreshed by the page
itself), then its report as its task renders it; and its cancellation. A job is its owner's
alone (and a superuser's): anyone else is answered 404, as for a job that does not exist."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hamkor import jobs

REFRESH_SECONDS = 2


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs.visible_to(request.user), pk=pk)
    if job.status == jobs.RUNNING and jobs.fail_stale(jobs.visible_to(request.user).filter(pk=pk)):
        job.refresh_from_db()
    task = jobs.task_of(job.kind)
    if job.status == jobs.SUCCEEDED:
        return task.render(request, job, inline=False)
    context = {
        'job': job,
        'live': jobs.live(job),
        'title': task.title,
        'refresh': REFRESH_SECONDS if job.is_active else None,
        'back_url': job.params.get('url') or '',
    }
    return render(request, 'jobs/job.html', context)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs.visible_to(request.user), pk=pk)
    if job.is_active:
        jobs.request_cancel(job)
    return redirect(job.get_absolute_url())
