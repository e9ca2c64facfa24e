"""Imports run as jobs: the page queues, the worker runs, the job's page shows progress, then the
report; a job is its owner's alone; a cancelled job keeps nothing; a job whose worker died is
marked failed; the uploads one user holds are bounded."""

import os
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat

from core.models import Job, ObjectChange
from hamkor import jobs
from hamkor.uploads import FILE, KEEP_SECONDS, UploadRefused, UploadStore
from portfolio.imports import apply_import
from portfolio.models import Project
from trade.models import ImportRun, TradeSlice

pytestmark = pytest.mark.django_db

URL = '/portfolio/projects/import/'
HEADER = 'identifier,title_en,status,sectors,region,parent,is_umbrella,planned_start,planned_end\n'
FILE_TEXT = HEADER + 'P-ONE,First project,proposal,,,,no,,\nP-TWO,Second project,negotiation,,,,no,,\n'
TRADE_HEADER = 'Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2022,2023\n'


@pytest.fixture
def queue(settings, tmp_path):
    """Jobs wait for a worker, as they do in production; uploads go to a directory of the test's."""
    settings.HAMKOR_JOBS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / 'media'
    return settings


def upload(text=FILE_TEXT, name='projects.csv'):
    return SimpleUploadedFile(name, text.encode(), content_type='text/csv')


def projects():
    return sorted(Project.objects.values_list('identifier', flat=True))


def test_a_preview_and_its_apply_run_in_the_worker(queue, client_as):
    client = client_as('secretariat')

    queued = client.post(URL, {'action': 'preview', 'file': upload()})

    job = Job.objects.get()
    assert (queued.status_code, queued['Location']) == (302, f'/jobs/{job.pk}/')
    assert (job.kind, job.status, job.owner.username) == ('hamkor.import-preview', 'queued', job.owner.username)
    waiting = client.get(f'/jobs/{job.pk}/').content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert f'action="/jobs/{job.pk}/cancel/"' in waiting

    assert jobs.work(worker='test', once=True) == 1

    job.refresh_from_db()
    assert (job.status, job.report['plan']['counts']) == (
        'succeeded',
        {'create': 2, 'update': 0, 'unchanged': 0, 'reject': 0},
    )
    preview = client.get(f'/jobs/{job.pk}/')
    html = preview.content.decode()
    assert 'Preview of projects.csv' in html and 'http-equiv="refresh"' not in html
    assert f'name="token" value="{job.upload}"' in html and f'action="{URL}"' in html
    assert [row.identifier for row in preview.context['plan'].rows] == ['P-ONE', 'P-TWO']
    assert projects() == []

    applying = client.post(URL, {'action': 'apply', 'token': job.upload, 'filename': 'projects.csv'})

    apply_job = Job.objects.get(kind='hamkor.import-apply')
    assert applying['Location'] == f'/jobs/{apply_job.pk}/'
    assert projects() == []
    jobs.work(worker='test', once=True)
    done = client.get(f'/jobs/{apply_job.pk}/').content.decode()
    assert 'Imported projects.csv: 2 created, 0 updated, 0 unchanged.' in done
    assert projects() == ['P-ONE', 'P-TWO']
    assert not (Path(queue.MEDIA_ROOT) / 'imports' / job.upload).exists()


def test_a_job_is_its_owners_alone(queue, client, make_user):
    owner, other, superuser = make_user('secretariat'), make_user('secretariat'), make_user(None, is_superuser=True)
    client.force_login(owner)
    client.post(URL, {'action': 'preview', 'file': upload()})
    job = Job.objects.get()

    client.force_login(other)
    assert client.get(f'/jobs/{job.pk}/').status_code == 404
    assert client.post(f'/jobs/{job.pk}/cancel/').status_code == 404
    job.refresh_from_db()
    assert (job.status, cache.get(f'hamkor-job-cancel:{job.pk}')) == ('queued', None)

    client.force_login(superuser)
    assert client.get(f'/jobs/{job.pk}/').status_code == 200
    client.logout()
    assert client.get(f'/jobs/{job.pk}/')['Location'] == f'/accounts/login/?next=/jobs/{job.pk}/'


def test_a_queued_job_cancelled_never_runs(queue, client_as):
    client = client_as('secretariat')
    client.post(URL, {'action': 'preview', 'file': upload()})
    job = Job.objects.get()

    assert client.post(f'/jobs/{job.pk}/cancel/')['Location'] == f'/jobs/{job.pk}/'

    assert jobs.work(worker='test', once=True) == 0
    job.refresh_from_db()
    assert (job.status, job.cancel_requested, job.report) == ('cancelled', True, None)
    assert 'The job was cancelled: nothing of it was kept.' in client.get(f'/jobs/{job.pk}/').content.decode()


def test_a_running_apply_cancelled_writes_nothing(queue, client_as):
    client = client_as('secretariat')
    client.post(URL, {'action': 'preview', 'file': upload()})
    jobs.work(worker='test', once=True)
    token = Job.objects.get().upload
    client.post(URL, {'action': 'apply', 'token': token, 'filename': 'projects.csv'})
    running = jobs.claim(worker='test')
    changes = ObjectChange.objects.count()

    client.post(f'/jobs/{running.pk}/cancel/')  # while it runs: the worker is asked to stop
    assert 'Cancelling' in client.get(f'/jobs/{running.pk}/').content.decode()
    jobs.run(running)

    running.refresh_from_db()
    assert (running.status, running.cancel_requested, running.error) == ('cancelled', True, '')
    assert (projects(), ObjectChange.objects.count()) == ([], changes)
    assert (Path(queue.MEDIA_ROOT) / 'imports' / token / 'file.csv').read_text() == FILE_TEXT  # may be applied again


@pytest.mark.skipif(
    not jobs.accepts_progress(apply_import), reason='portfolio.imports.apply_import reports no progress yet'
)
def test_an_apply_cancelled_half_way_rolls_back_what_it_wrote(queue, client_as, monkeypatch):
    """Cancelled between two of its batches, the apply's transaction rolls back the first."""
    monkeypatch.setattr(jobs, 'HEARTBEAT_SECONDS', 0.01)
    rows = ''.join(f'P-{number:04},Project {number},proposal,,,,no,,\n' for number in range(1, 1201))
    client = client_as('secretariat')
    client.post(URL, {'action': 'preview', 'file': upload(HEADER + rows)})
    jobs.work(worker='test', once=True)
    client.post(URL, {'action': 'apply', 'token': Job.objects.get().upload, 'filename': 'projects.csv'})
    running = jobs.claim(worker='test')
    written = []  # the projects in the apply's transaction when the cancel was asked
    report = jobs.JobRun.progress

    def cancel_once_rows_are_written(self, done=None, total=None, **kwargs):
        in_transaction = Project.objects.count()
        if in_transaction and not written:
            written.append(in_transaction)
            jobs.request_cancel(running)
            time.sleep(0.2)  # the worker's reporter sees the request
        return report(self, done, total, **kwargs)

    monkeypatch.setattr(jobs.JobRun, 'progress', cancel_once_rows_are_written)
    jobs.run(running)

    running.refresh_from_db()
    # The apply writes 500 rows at a time (portfolio.services.bulk.WRITE_BATCH) and reports after each batch.
    assert (running.status, written, projects()) == ('cancelled', [500], [])


def test_a_job_whose_worker_died_is_marked_failed(queue, make_user):
    owner = make_user('secretariat')
    started = jobs.timezone.now() - jobs.timezone.timedelta(seconds=jobs.STALE_SECONDS + 5)
    dead = Job.objects.create(kind='hamkor.import-apply', owner=owner, status='running', started=started)
    alive = Job.objects.create(kind='hamkor.import-apply', owner=owner, status='running', started=started)
    cache.set(f'hamkor-job-live:{alive.pk}', {'done': 3, 'total': 10, 'stage': '', 'beat': time.time()})

    assert jobs.fail_stale() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.error, dead.finished is not None) == ('failed', str(jobs.STALE_MESSAGE), True)
    assert alive.status == 'running'
    assert jobs.live(alive).percent == 30


def test_the_job_page_marks_a_stale_job_failed(queue, client, make_user):
    owner = make_user('secretariat')
    started = jobs.timezone.now() - jobs.timezone.timedelta(seconds=jobs.STALE_SECONDS + 5)
    job = Job.objects.create(kind='hamkor.import-preview', owner=owner, status='running', started=started)
    client.force_login(owner)

    html = client.get(f'/jobs/{job.pk}/').content.decode()

    assert 'The worker running this job stopped before it finished' in html and 'http-equiv' not in html


def test_a_queued_job_is_claimed_once(queue, make_user):
    job = Job.objects.create(kind='hamkor.import-preview', owner=make_user('secretariat'))

    first, second = jobs.claim(worker='one'), jobs.claim(worker='two')

    assert (first.pk, first.status, first.worker, second) == (job.pk, 'running', 'one', None)


def test_a_trade_import_runs_as_jobs(queue, trade_data_dir, client_as):
    client = client_as('uz-analyst')
    data = TRADE_HEADER + '156,X,К,China,1.5,2\n'

    queued = client.post(
        '/trade/import/', {'action': 'preview', 'kind': 'uzstat', 'file': upload(data, 'uzstat_exports.csv')}
    )

    job = Job.objects.get()
    assert queued['Location'] == f'/jobs/{job.pk}/'
    jobs.work(worker='test', once=True)
    preview = client.get(f'/jobs/{job.pk}/')
    assert (preview.context['report'].count('new'), preview.context['report'].rows_accepted) == (2, 2)
    assert 'uzstat UZB X 2023 TOTAL' in preview.content.decode()
    assert 'action="/trade/import/"' in preview.content.decode()
    assert not TradeSlice.objects.exists()

    client.post('/trade/import/', {'action': 'apply', 'token': job.upload})
    jobs.work(worker='test', once=True)

    run = ImportRun.objects.get()
    done = client.get(f'/jobs/{Job.objects.get(kind="trade.import-apply").pk}/').content.decode()
    assert 'Imported 2 flows: 2 new slices, 0 replaced, 0 unchanged.' in done
    assert f'href="/trade/runs/{run.pk}/"' in done


def test_a_task_that_breaks_fails_with_its_error(queue, client_as):
    client = client_as('secretariat')
    client.post(URL, {'action': 'preview', 'file': upload()})
    job = Job.objects.get()
    for path in (Path(queue.MEDIA_ROOT) / 'imports' / job.upload).iterdir():
        path.unlink()  # the upload is gone before the worker gets to it

    jobs.work(worker='test', once=True)

    job.refresh_from_db()
    assert (job.status, job.error) == ('failed', 'The uploaded file is no longer available: upload it again.')


#
# The space one user holds
#


def stored(size: int, name='projects.csv'):
    return {FILE: SimpleUploadedFile(name, b'x' * size)}


def test_an_upload_past_the_quota_is_refused_naming_the_limit_and_what_is_held(queue, make_user):
    queue.HAMKOR_UPLOAD_QUOTA_BYTES = 3000
    owner, other = make_user('secretariat'), make_user('secretariat')
    store, trade = UploadStore('imports'), UploadStore('trade-imports')
    mine = [store.save(stored(1200), owner=owner), trade.save(stored(1000), owner=owner)]  # every store counts
    store.save(stored(2900), owner=other)  # and each user's own
    # What the owner holds: the files of their uploads, options included.
    held = sum(path.stat().st_size for upload in mine for path in upload.files[FILE].parent.iterdir())

    with pytest.raises(UploadRefused) as refused:
        store.save(stored(900), owner=owner)

    assert 3000 - 900 < held < 3000  # refused for the upload, not for what was held already
    assert str(refused.value) == (
        f'Your uploads awaiting apply hold {filesizeformat(held)}; with this upload (900\xa0bytes) they would pass '
        'the limit of 2.9\xa0KB per user. Apply them, or upload again once they are removed, an hour after they '
        'were uploaded.'
    )
    assert sum(1 for path in store.root.iterdir()) == 2  # nothing stored


def test_the_owners_expired_uploads_are_removed_before_the_quota_is_counted(queue, make_user):
    queue.HAMKOR_UPLOAD_QUOTA_BYTES = 3000
    owner = make_user('secretariat')
    store = UploadStore('imports')
    old = store.save(stored(2500), owner=owner)
    an_hour_ago = time.time() - KEEP_SECONDS - 1
    os.utime(store.root / old.token, (an_hour_ago, an_hour_ago))

    new = store.save(stored(2500), owner=owner)

    assert [path.name for path in store.root.iterdir()] == [new.token]


def test_an_upload_a_job_reads_is_not_removed(queue, make_user):
    owner = make_user('secretariat')
    store = UploadStore('imports')
    read = store.save(stored(10), owner=owner)
    an_hour_ago = time.time() - KEEP_SECONDS - 1
    os.utime(store.root / read.token, (an_hour_ago, an_hour_ago))
    Job.objects.create(kind='hamkor.import-apply', owner=owner, upload=read.token, status='running')

    store.save(stored(10), owner=make_user('secretariat'))

    assert (store.root / read.token / 'file.csv').exists()


def test_the_import_page_says_why_an_upload_is_refused(queue, client_as):
    queue.HAMKOR_UPLOAD_QUOTA_BYTES = 100
    client = client_as('secretariat')

    response = client.post(URL, {'action': 'preview', 'file': upload()})

    assert response.status_code == 200 and not Job.objects.exists()
    assert response.context['form'].errors['file'][0].startswith('Your uploads awaiting apply hold 0\xa0bytes;')
