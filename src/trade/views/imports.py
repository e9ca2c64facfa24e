"""Web pages of the trade importers: upload → dry-run preview → apply, and the list of import runs.

The uploaded files are kept between preview and apply in hamkor.uploads' store, under
MEDIA_ROOT/trade-imports/<token>/ (data file, optional country code file, options.json); the page
carries only the token. Apply runs the import again from the stored files (the store may have
changed since the preview); DuckDB reads them where they are. Runs are public: they are the
provenance of official statistics shown to everyone; only the name of the person who ran an
import is kept to signed-in users.

Preview and import run as jobs (hamkor.jobs): the page answers with the job's page at once, and
the job's report is the import report in JSON values, as trade/import_report.html reads it, with
the outcome of the step ('planned', 'rejected', 'imported', 'pending' approval, 'nothing').
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor import jobs
from hamkor.auth import permission_required
from hamkor.uploads import EXPIRED, Record, StoredUpload, UploadRefused, UploadStore, as_record, base_name
from trade import services
from trade.forms import TradeImportForm
from trade.importers import ImportRejected, build_importer
from trade.models import ColumnMapping, ImportRun

TEMPLATE = 'trade/import.html'
UPLOADS = UploadStore('trade-imports')


def store_uploads(form: TradeImportForm, owner) -> StoredUpload:
    """Save the uploads and the options of a valid form under a new token."""
    data = form.cleaned_data
    options = {
        'kind': data['kind'],
        'name': base_name(data['file'].name) or 'upload',
        'edition': data.get('edition') or None,
        'mapping': data['mapping'].key if data.get('mapping') else None,
        'flow': data.get('flow') or None,
        'accept_unvalidated_edition': bool(data.get('accept_unvalidated_edition')),
        'countries_name': (base_name(data['countries'].name) or 'upload') if data.get('countries') else None,
    }
    return UPLOADS.save({'data': data['file'], 'countries': data.get('countries')}, options, owner=owner)


def importer_for(stored: StoredUpload | None):
    """The importer of a stored upload, or None for a token that is not ours (or has expired)."""
    if stored is None or 'data' not in stored.files:
        return None
    options = stored.options
    mapping = ColumnMapping.objects.filter(key=options['mapping']).first() if options['mapping'] else None
    return build_importer(
        options['kind'],
        stored.files['data'],
        name=options['name'],
        countries=stored.files.get('countries'),
        countries_name=options['countries_name'],
        edition=options['edition'],
        mapping=mapping,
        flow=options['flow'],
        accept_unvalidated_edition=options['accept_unvalidated_edition'],
    )


PREVIEW = 'trade.import-preview'
APPLY = 'trade.import-apply'
SLICES_KEPT = 500  # the slices a report lists (trade/import_report.html shows as many)


@permission_required('trade.add_importrun')
def trade_import(request):
    """GET: the form. POST "preview": store the files and queue the dry run. POST "apply": queue the import."""
    if request.method == 'POST' and request.POST.get('action') == 'apply':
        return trade_import_apply(request)
    form = TradeImportForm()
    if request.method == 'POST':
        form = TradeImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                stored = store_uploads(form, request.user)
                importer_for(stored)  # refuses options that do not fit together, here rather than in the job
            except UploadRefused as refused:
                form.add_error('file', str(refused))
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                job = jobs.enqueue(PREVIEW, owner=request.user, params={'url': request.path}, upload=stored.token)
                return jobs.respond(request, job)
    return render(request, TEMPLATE, {'form': form})


def trade_import_apply(request):
    stored = UPLOADS.load(request.POST.get('token', ''), owner=request.user)
    if importer_for(stored) is None:
        return render(request, TEMPLATE, {'form': TradeImportForm(), 'error': EXPIRED}, status=400)
    return jobs.respond(
        request, jobs.enqueue(APPLY, owner=request.user, params={'url': request.path}, upload=stored.token)
    )


#
# The jobs
#


class StoredReport(Record):
    """An import report read back from a job, with the report's own counting."""

    def count(self, action: str) -> int:
        return self['counts'].get(action, 0)


def report_values(report) -> dict:
    """An ImportReport in JSON values, as trade/import_report.html and the import page read it."""
    counts = {action: report.count(action) for action in ('new', 'replaced', 'unchanged')}
    return {
        'files': [{'name': f.name, 'size': f.size, 'row_count': f.row_count, 'sha256': f.sha256} for f in report.files],
        'rows_read': report.rows_read,
        'rows_accepted': report.rows_accepted,
        'rejected': report.rejected,
        'filtered': dict(report.filtered),
        'notes_lines': [str(note) for note in report.notes_lines],
        'rejections': [
            {'file': r.file, 'line': r.line, 'unit': r.unit, 'column': r.column, 'reason': str(r.reason)}
            for r in report.rejections
        ],
        'counts': counts,
        'count_new': counts['new'],
        'count_replaced': counts['replaced'],
        'count_unchanged': counts['unchanged'],
        'count_new_or_replaced': counts['new'] + counts['replaced'],
        'slices': [change.review_json() for change in report.slices[:SLICES_KEPT]],
        'replaced': [change.review_json() for change in report.replaced],
        'needs_approval': report.needs_approval,
        'run': {'pk': report.run.pk, 'url': report.run.get_absolute_url()} if report.run is not None else None,
    }


def _importer(job):
    stored = UPLOADS.load(job.upload, owner=job.owner)
    try:
        importer = importer_for(stored)
    except ValueError as error:
        raise jobs.JobFailed(str(error)) from None
    if importer is None:
        raise jobs.JobFailed(str(EXPIRED))
    return stored, importer


def _run_import(job, importer, *, dry_run: bool):
    job.stage(_('Checking the file') if dry_run else _('Importing'))
    return jobs.call_with_progress(
        services.run_import, importer, actor=job.owner, dry_run=dry_run, progress=job.progress
    )


def run_preview(job) -> dict:
    _stored, importer = _importer(job)
    try:
        report = _run_import(job, importer, dry_run=True)
    except ImportRejected as rejected:
        report = rejected.report
    return {'step': 'preview', 'outcome': 'planned', 'report': report_values(report)}


def run_apply(job) -> dict:
    stored, importer = _importer(job)
    try:
        report = _run_import(job, importer, dry_run=False)
    except ImportRejected as rejected:
        error = _('Some rows are rejected: nothing was imported. Correct the file and upload it again.')
        return {'step': 'apply', 'outcome': 'rejected', 'report': report_values(rejected.report), 'error': error}
    UPLOADS.discard(stored)
    if report.run is None:
        message = _('Nothing new: every slice of the file is already in the store.')
        return {'step': 'apply', 'outcome': 'nothing', 'message': message, 'report': report_values(report)}
    if report.pending:
        message = _(
            'Import run #%(id)s replaces official statistics: it awaits the approval of a second person, '
            'and the pages show the current figures until then.'
        ) % {'id': report.run.pk}
        return {'step': 'apply', 'outcome': 'pending', 'message': message, 'report': report_values(report)}
    message = _('Imported %(rows)s flows: %(new)s new slices, %(replaced)s replaced, %(unchanged)s unchanged.') % {
        'rows': report.rows_accepted,
        'new': report.count('new'),
        'replaced': report.count('replaced'),
        'unchanged': report.count('unchanged'),
    }
    return {'step': 'apply', 'outcome': 'imported', 'message': message, 'report': report_values(report)}


def render_job(request, job, *, inline: bool):
    """A trade import job's report: the preview with its Import button, the rejections, or the
    run it recorded (inline, the page that queued it sends its owner to the run)."""
    result = as_record(job.report or {})
    report = StoredReport(result['report']) if result.get('report') else None
    outcome = result.get('outcome')
    if outcome in ('imported', 'pending', 'nothing'):
        url = report.run.url if report and report.run else reverse('trade:run_list')
        if inline:
            notify = {'imported': messages.success, 'pending': messages.warning}.get(outcome, messages.info)
            notify(request, result['message'])
            return redirect(url)
        context = {'form': TradeImportForm(), 'notice': result['message'], 'run_url': url, 'job': job}
        return render(request, TEMPLATE, context)
    context = {'form': TradeImportForm(), 'report': report, 'token': job.upload, 'job': job}
    context['import_url'] = job.params.get('url', '')
    if result.get('error'):
        context['error'] = result['error']
        context['token'] = None  # a rejected import offers no import of the same files
    return render(request, TEMPLATE, context)


jobs.register(PREVIEW, title=gettext_lazy('Preview of a trade import'), run=run_preview, render=render_job)
jobs.register(APPLY, title=gettext_lazy('Trade import'), run=run_apply, render=render_job)


def run_list(request):
    runs = ImportRun.objects.prefetch_related('files').order_by('-started', '-id')
    page = Paginator(runs, 50).get_page(request.GET.get('page'))
    return render(request, 'trade/run_list.html', {'page': page, 'runs': page.object_list})


def run_detail(request, pk: int):
    run = get_object_or_404(ImportRun.objects.prefetch_related('files'), pk=pk)
    return render(request, 'trade/run_detail.html', {'run': run, 'files': run.files.all()})
