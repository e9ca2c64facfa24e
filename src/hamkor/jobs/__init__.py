"""Long work — imports, large exports — as jobs: a page queues a job and answers at once with the
job's page; the worker process (`hamkor run-jobs`, started beside gunicorn by gunicorn.conf.py)
claims it, runs it, and stores its report for the page to render (docs/adr/0010).

The queue is a table of the database (the Job model, HAMKOR_JOB_MODEL, `core.Job`): no server
beside the database. A job is claimed with SELECT … FOR UPDATE SKIP LOCKED where the database has
it (PostgreSQL), by a conditional UPDATE (queued → running) elsewhere (SQLite), so two workers
never run the same job.

While a job runs, its progress, its heartbeat and a request to cancel it pass through the shared
cache, not the database: the job's own transaction may hold SQLite's only write lock for as long
as it writes, and a progress row written through the database would wait for that lock (or, on
the job's own connection, would be rolled back with the work it reports on). A reporter thread of
the worker writes them every HEARTBEAT_SECONDS, so that a job whose worker died (kill -9, a
machine restarted) is recognised after STALE_SECONDS and marked failed, never left running.

A task is a function `run(job: JobRun) -> dict` registered under a name with the function that
renders its report (`register`); it calls `job.progress(done, total)` as it goes, which raises
Cancelled once the owner asked to cancel: the task's transaction rolls back and nothing of it is
kept. With HAMKOR_JOBS_EAGER (the test suite) a job runs in the request that queued it.
"""

from __future__ import annotations

import inspect
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0  # how often a running job's worker says it is alive
STALE_SECONDS = 60.0  # a running job silent for this long has lost its worker
POLL_SECONDS = 1.0  # how often an idle worker looks for a queued job

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = 'queued', 'running', 'succeeded', 'failed', 'cancelled'
ACTIVE = (QUEUED, RUNNING)


class Cancelled(Exception):
    """Raised by JobRun.progress once the job's owner asked to cancel it (or the worker is
    stopping): the work stops where it is and its transaction rolls back."""


class JobFailed(Exception):
    """A task's own refusal, with a message for the job's owner (a stored upload gone, say)."""


#
# Tasks
#


@dataclass(frozen=True)
class Task:
    """What a job of one kind does (`run`, returning its report as JSON values) and how its report
    is shown (`render(request, job, *, inline)`: `inline` when the job ran in the request that
    queued it, HAMKOR_JOBS_EAGER)."""

    name: str
    title: Callable[[], str] | str
    run: Callable[[JobRun], dict]
    render: Callable[..., HttpResponse]


_tasks: dict[str, Task] = {}


def register(name: str, *, title, run: Callable, render: Callable) -> Task:
    task = Task(name, title, run, render)
    _tasks[name] = task
    return task


def task_of(kind: str) -> Task:
    """The registered task of a kind. Tasks are registered by the modules that define them (the
    pages that queue them); a worker that has not imported them yet loads the URL configuration,
    as the first request of a web process does."""
    if kind not in _tasks:
        load_tasks()
    return _tasks[kind]


def load_tasks() -> None:
    import_module(settings.ROOT_URLCONF)


#
# The queue
#


def job_model():
    return apps.get_model(getattr(settings, 'HAMKOR_JOB_MODEL', 'core.Job'))


def eager() -> bool:
    return bool(getattr(settings, 'HAMKOR_JOBS_EAGER', False))


def enqueue(kind: str, *, owner, params: dict | None = None, upload: str = ''):
    """Queue a job of a registered kind for `owner` (a user); `upload` is the token of the stored
    upload it reads, which the upload store keeps while the job is queued or running. The page's
    language is kept so that the report speaks it."""
    task_of(kind)  # an unknown kind fails here, in the request, not later in the worker
    params = {'language': translation.get_language(), **(params or {})}
    job = job_model().objects.create(kind=kind, owner=owner, params=params, upload=upload)
    if eager():
        job = claim_job(job.pk, worker='eager')
        run(job)
        job.refresh_from_db()
    return job


def respond(request: HttpRequest, job) -> HttpResponse:
    """The answer to the request that queued `job`: its page, or, when it has already run
    (HAMKOR_JOBS_EAGER), its report as the page that queued it shows it."""
    if job.status == SUCCEEDED:
        return task_of(job.kind).render(request, job, inline=True)
    return redirect(job.get_absolute_url())


def worker_name() -> str:
    return f'{socket.gethostname()}:{os.getpid()}'


def _claimed(queryset, pk, worker: str) -> int:
    return queryset.filter(pk=pk, status=QUEUED).update(status=RUNNING, started=timezone.now(), worker=worker[:100])


def claim_job(pk, *, worker: str):
    """Take one queued job by its id (None when another worker took it first)."""
    model = job_model()
    return model.objects.get(pk=pk) if _claimed(model.objects, pk, worker) else None


def claim(*, worker: str):
    """Take the oldest queued job, or None. PostgreSQL: the row is locked, and rows other workers
    hold locked are skipped; elsewhere (SQLite, one writer at a time) an UPDATE conditional on the
    job still being queued decides between workers."""
    model = job_model()
    database = router.db_for_write(model)
    queued = model.objects.filter(status=QUEUED).order_by('created', 'id')
    if connections[database].features.has_select_for_update_skip_locked:
        with transaction.atomic(using=database):
            job = queued.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            _claimed(model.objects, job.pk, worker)
        job.refresh_from_db()
        return job
    for pk in queued.values_list('pk', flat=True)[:10]:
        if _claimed(model.objects, pk, worker):
            return model.objects.get(pk=pk)
    return None


def visible_to(user):
    """The jobs `user` may see and cancel: their own; a superuser's, everyone's."""
    jobs = job_model().objects.all()
    return jobs if user.is_superuser else jobs.filter(owner=user)


def request_cancel(job) -> None:
    """Cancel a queued job at once; ask a running one to stop (its worker sees the request at its
    next progress report and rolls the work back)."""
    if job.status == QUEUED:
        cancelled = job_model().objects.filter(pk=job.pk, status=QUEUED)
        if cancelled.update(status=CANCELLED, cancel_requested=True, finished=timezone.now()):
            return
    # Not through the database: a running import may hold SQLite's write lock until it is done.
    cache.set(_cancel_key(job.pk), True, timeout=int(STALE_SECONDS * 60))


def uploads_in_use() -> set[str]:
    """The upload tokens queued and running jobs read: the upload store does not remove them."""
    return set(job_model().objects.filter(status__in=ACTIVE).exclude(upload='').values_list('upload', flat=True))


#
# Live state (progress, heartbeat, cancel request) through the shared cache
#


def _live_key(pk) -> str:
    return f'hamkor-job-live:{pk}'


def _cancel_key(pk) -> str:
    return f'hamkor-job-cancel:{pk}'


@dataclass(frozen=True)
class Live:
    done: int
    total: int | None
    stage: str
    beat: float | None  # time.time() of the last heartbeat, None when there has been none
    cancelling: bool

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.total)) if self.total else None


def live(job) -> Live:
    """Where a job stands: while it runs, as its worker last reported; afterwards, as stored."""
    state = cache.get(_live_key(job.pk)) if job.status == RUNNING else None
    cancelling = job.cancel_requested or (job.status in ACTIVE and bool(cache.get(_cancel_key(job.pk))))
    if not state:
        return Live(job.done, job.total, '', None, cancelling)
    return Live(state['done'], state['total'], state['stage'], state['beat'], cancelling)


STALE_MESSAGE = gettext_lazy(
    'The worker running this job stopped before it finished (it was killed or its server restarted): '
    'nothing of the job was kept. Start it again.'
)


def fail_stale(jobs=None) -> int:
    """Mark failed every running job (of `jobs`, default all) whose worker has been silent for
    STALE_SECONDS; the number marked."""
    model = job_model()
    now = time.time()
    marked = 0
    for job in (jobs if jobs is not None else model.objects.all()).filter(status=RUNNING):
        state = cache.get(_live_key(job.pk))
        beat = state['beat'] if state else (job.started or job.created).timestamp()
        if now - beat > STALE_SECONDS:
            with translation.override(job.params.get('language') or settings.LANGUAGE_CODE):
                message = str(STALE_MESSAGE)
            marked += model.objects.filter(pk=job.pk, status=RUNNING).update(
                status=FAILED, error=message, finished=timezone.now()
            )
            logger.warning('job %s (%s) marked failed: no heartbeat for %.0f s', job.pk, job.kind, now - beat)
    return marked


class _Reporter(threading.Thread):
    """Beside a running job: writes its progress and heartbeat to the cache and reads the cancel
    request, every HEARTBEAT_SECONDS, on a thread (and a database connection, for a database
    cache) of its own — the job's thread may be inside a long transaction."""

    def __init__(self, pk):
        super().__init__(name=f'job-{pk}-reporter', daemon=True)
        self.pk = pk
        self.done, self.total, self.stage = 0, None, ''
        self.cancel = False
        self.stopping = threading.Event()

    def beat(self) -> None:
        state = {'done': self.done, 'total': self.total, 'stage': self.stage, 'beat': time.time()}
        cache.set(_live_key(self.pk), state, timeout=int(STALE_SECONDS * 60))
        if cache.get(_cancel_key(self.pk)):
            self.cancel = True

    def run(self) -> None:
        try:
            while not self.stopping.wait(HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # a cache hiccup must not end the job; a long one makes it stale
                    logger.exception('job %s: heartbeat failed', self.pk)
        finally:
            connections.close_all()


class JobRun:
    """What a running task sees of its job: its owner and parameters, and `progress`."""

    def __init__(self, job, reporter: _Reporter, stop: threading.Event | None = None):
        self.job = job
        self.owner = job.owner
        self.params = job.params
        self.upload = job.upload
        self._reporter = reporter
        self._stop = stop

    def progress(self, done: int | None = None, total: int | None = None, *, stage: str | None = None) -> None:
        """Report progress (`done` of `total` units; no total: not known) and stop here, with
        Cancelled, if the job is to be cancelled."""
        if done is not None:
            self._reporter.done = max(int(done), 0)
            self._reporter.total = int(total) if total is not None else None
        if stage is not None:
            self._reporter.stage = str(stage)
        if self._reporter.cancel or (self._stop is not None and self._stop.is_set()):
            raise Cancelled

    def stage(self, text: str) -> None:
        """Name the step the job is at; its progress starts again, not known until reported."""
        self._reporter.done, self._reporter.total, self._reporter.stage = 0, None, str(text)
        self.progress()


def accepts_progress(function: Callable) -> bool:
    """Whether `function` takes a `progress` keyword (the planners gain it one by one)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return 'progress' in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def call_with_progress(function: Callable, *args, progress: Callable, **kwargs):
    """Call `function`, passing `progress` only if it accepts it."""
    if accepts_progress(function):
        kwargs['progress'] = progress
    return function(*args, **kwargs)


SHUTDOWN_MESSAGE = gettext_lazy('The server stopped while this job ran: nothing of it was kept. Start it again.')


def run(job, *, stop: threading.Event | None = None) -> None:
    """Run a claimed job to its end and store how it ended: its report, its error, or that it was
    cancelled. Never raises for the task's own failure."""
    task = task_of(job.kind)
    reporter = _Reporter(job.pk)
    reporter.beat()
    reporter.start()
    context = JobRun(job, reporter, stop)
    status, report, error = SUCCEEDED, None, ''
    try:
        with translation.override(job.params.get('language') or settings.LANGUAGE_CODE):
            try:
                report = task.run(context)
            except Cancelled:
                if stop is not None and stop.is_set() and not reporter.cancel:
                    status, error = FAILED, str(SHUTDOWN_MESSAGE)
                else:
                    status = CANCELLED
            except JobFailed as failure:
                status, error = FAILED, str(failure)
            except Exception as failure:
                logger.exception('job %s (%s) failed', job.pk, job.kind)
                status = FAILED
                error = _('The job failed: %(error)s') % {'error': f'{type(failure).__name__}: {failure}'}
    finally:
        reporter.stopping.set()
        reporter.join()
    _finish(job, status=status, report=report, error=error, done=reporter.done, total=reporter.total)


def _finish(job, **values) -> None:
    if values['status'] == CANCELLED:
        values['cancel_requested'] = True
    values['finished'] = timezone.now()
    for attempt in range(5):
        try:
            job_model().objects.filter(pk=job.pk).update(**values)
            break
        except OperationalError:  # SQLite still locked by another writer: try again
            if attempt == 4:
                raise
            time.sleep(1)
    cache.delete_many([_live_key(job.pk), _cancel_key(job.pk)])


def _drop_unusable_connections() -> None:
    """Between jobs, as between requests, close a connection left broken or past its age; never
    one inside a transaction (a caller's, such as a test's), which closing would abort."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def work(*, worker: str | None = None, once: bool = False, stop: threading.Event | None = None, poll=POLL_SECONDS):
    """The worker's loop: mark stale jobs failed, claim the oldest queued job, run it; sleep when
    there is none. `once`: return when the queue is empty; `stop`: return once it is set (a job
    running then is cancelled and its work rolled back)."""
    worker = worker or worker_name()
    stop = stop or threading.Event()
    ran = 0
    while not stop.is_set():
        _drop_unusable_connections()
        try:
            fail_stale()
            job = claim(worker=worker)
        except OperationalError as locked:  # SQLite busy for longer than its timeout: look again later
            logger.warning('job queue not readable: %s', locked)
            job = None
        if job is not None:
            run(job, stop=stop)
            ran += 1
            continue
        if once:
            break
        stop.wait(poll)
    return ran
