"""What every file import shares: the store of uploads kept between a preview and its apply
(`UploadStore`), the web page of a one-file import (upload, preview the plan, apply it) and its
command (`ImportCommand`: plan, print the plan, apply it or refuse it).

An upload is kept under MEDIA_ROOT/<store folder>/ under a new random token; the page carries
only the token, which is checked to be hex so that it can never name another path. An upload is
its uploader's alone (another user's token is "no longer available"); it is removed once
applied, by the next upload after an hour, or when its uploader has uploaded PENDING_PER_USER
newer ones, so that previews never pile up — but never while a queued or running job reads it.
What one user holds across every store is bounded by HAMKOR_UPLOAD_QUOTA_BYTES. Apply reads the
stored files again (the database may have changed since the preview) and writes only if nothing
is rejected.

Preview and apply run as jobs (hamkor.jobs): the page answers at once with the job's page, the
worker plans (and applies) the file, and the job's report holds the plan as the page renders it.

Used by the organization and project imports (one CSV or XLSX file, `import_page`) and by the
trade import (a data file, an optional country code file and the options of the form; its own
page, DuckDB reads the stored files).
"""

import json
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor import jobs
from hamkor.imports import Action, ImportRejected

EXTENSIONS = ('csv', 'xlsx')
TOKEN = re.compile(r'[0-9a-f]{32}')
MAX_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 3600  # an upload not applied within an hour is removed
PENDING_PER_USER = 2  # a user's older uploads beyond these are removed when they upload another
FILE = 'file'  # the name of the file of a one-file import
OPTIONS = 'options.json'
OWNER = 'owner'  # the key, in options.json, of the user who uploaded
EXPIRED = gettext_lazy('The uploaded file is no longer available: upload it again.')
# What one user may hold in uploads awaiting their apply, across every store: one of the largest
# files the trade import takes (1 GiB and its country file) and the smaller imports' besides.
DEFAULT_QUOTA_BYTES = 1536 * 1024 * 1024


def quota_bytes() -> int:
    return int(getattr(settings, 'HAMKOR_UPLOAD_QUOTA_BYTES', DEFAULT_QUOTA_BYTES))


class UploadRefused(Exception):
    """An upload the store does not take (its owner would hold more than their quota)."""


#
# The store of uploads
#


def base_name(name: str) -> str:
    """An uploaded file's own name without the folders some browsers send, at most 200
    characters ('' when there is none)."""
    return Path(name.replace('\\', '/')).name[:200]


def extension_of(name: str) -> str:
    return Path(name).suffix.lower().lstrip('.')


@dataclass(frozen=True)
class StoredUpload:
    """One upload between its preview and its apply: its token, its files by name and the options
    it was uploaded with."""

    token: str
    files: dict[str, Path]
    options: dict


_stores: set[str] = set()  # the folders of every store, which one user's quota spans


@dataclass(frozen=True)
class UploadStore:
    """Uploads kept under MEDIA_ROOT/<folder>/, each in a directory named by a new random token
    holding each named file as <name>.<extension> and the options as options.json (the project
    and organization imports keep one file named FILE; the trade import a data file, an optional
    country code file and its form's options)."""

    folder: str

    def __post_init__(self):
        _stores.add(self.folder)

    @property
    def root(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.folder

    def save(self, files: Mapping[str, UploadedFile | None], options: Mapping | None = None, *, owner) -> StoredUpload:
        """Save the uploads (a name without an upload is left out) and the options (JSON values)
        under a new token, for `owner` (a user) alone; also remove the uploads left for an hour
        and the owner's own beyond PENDING_PER_USER - 1, so that one user holds little space.

        Raises UploadRefused, storing nothing, when the owner would then hold more than
        HAMKOR_UPLOAD_QUOTA_BYTES across every store."""
        self.root.mkdir(parents=True, exist_ok=True)
        in_use = jobs.uploads_in_use()
        for folder in sorted(_stores | {self.folder}):
            UploadStore(folder)._remove_expired(in_use)
        self._remove_older_of(owner.pk, in_use)
        self._check_quota(owner, sum(upload.size or 0 for upload in files.values() if upload))
        token = secrets.token_hex(16)
        directory = self.root / token
        directory.mkdir()
        paths = {}
        for name, upload in files.items():
            if not upload:
                continue
            paths[name] = directory / f'{name}{Path(base_name(upload.name)).suffix.lower()[:8]}'
            with paths[name].open('wb') as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        options = json.loads(json.dumps(dict(options or {})))  # as load() will read them
        (directory / OPTIONS).write_text(json.dumps({**options, OWNER: owner.pk}))
        return StoredUpload(token, paths, options)

    def load(self, token: str, *, owner) -> StoredUpload | None:
        """The stored upload of a token, or None for a token that is not ours, has expired or was
        uploaded by another user than `owner`."""
        if not TOKEN.fullmatch(token or ''):
            return None
        directory = self.root / token
        if not (directory / OPTIONS).is_file():
            return None
        options = json.loads((directory / OPTIONS).read_text())
        if options.pop(OWNER, None) != owner.pk:
            return None
        files = {path.stem: path for path in directory.iterdir() if path.name != OPTIONS}
        return StoredUpload(token, files, options)

    def discard(self, upload: StoredUpload) -> None:
        """Remove an applied upload."""
        shutil.rmtree(self.root / upload.token, ignore_errors=True)

    def _owned_by(self, owner_pk) -> list[Path]:
        mine = []
        if not self.root.is_dir():
            return mine
        for directory in self.root.iterdir():
            with suppress(FileNotFoundError, ValueError, NotADirectoryError):  # removed meanwhile, or not one of ours
                if json.loads((directory / OPTIONS).read_text()).get(OWNER) == owner_pk:
                    mine.append(directory)
        return mine

    def _remove_older_of(self, owner_pk, in_use: set[str]) -> None:
        mine = []
        for directory in self._owned_by(owner_pk):
            with suppress(FileNotFoundError):
                if directory.name not in in_use:
                    mine.append((directory.stat().st_mtime, directory))
        for _time, directory in sorted(mine)[: max(len(mine) - PENDING_PER_USER + 1, 0)]:
            shutil.rmtree(directory, ignore_errors=True)

    def held_by(self, owner_pk) -> int:
        """The bytes of the uploads `owner_pk` holds in this store."""
        total = 0
        for directory in self._owned_by(owner_pk):
            with suppress(FileNotFoundError):
                total += sum(path.stat().st_size for path in directory.iterdir() if path.is_file())
        return total

    def _check_quota(self, owner, incoming: int) -> None:
        limit = quota_bytes()
        held = sum(UploadStore(folder).held_by(owner.pk) for folder in sorted(_stores | {self.folder}))
        if held + incoming > limit:
            raise UploadRefused(
                _(
                    'Your uploads awaiting apply hold %(held)s; with this upload (%(size)s) they would pass '
                    'the limit of %(limit)s per user. Apply them, or upload again once they are removed, '
                    'an hour after they were uploaded.'
                )
                % {'held': filesizeformat(held), 'size': filesizeformat(incoming), 'limit': filesizeformat(limit)}
            )

    def _remove_expired(self, in_use: set[str]) -> None:
        if not self.root.is_dir():
            return
        cutoff = time.time() - KEEP_SECONDS
        for old in self.root.iterdir():
            with suppress(FileNotFoundError):  # removed meanwhile by another request
                if old.stat().st_mtime >= cutoff or old.name in in_use:
                    continue
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)


UPLOADS = UploadStore('imports')


#
# The page and the command of a one-file import
#


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy('File'),
        help_text=gettext_lazy('CSV (UTF-8, comma-separated) or XLSX.'),
    )

    def clean_file(self):
        upload = self.cleaned_data['file']
        if extension_of(upload.name) not in EXTENSIONS:
            raise ValidationError(_('Choose a .csv or .xlsx file.'))
        if upload.size > MAX_BYTES:
            raise ValidationError(_('The file is larger than %(size)s MB.') % {'size': MAX_BYTES // (1024 * 1024)})
        return upload


def display_name(name: str, path: Path) -> str:
    """The uploaded file's own name for messages, reduced to a base name with the stored extension."""
    name = base_name(name)
    return name if name and extension_of(name) == extension_of(path.name) else f'upload{path.suffix}'


_pages: dict[str, 'ImportPage'] = {}


@dataclass(frozen=True)
class ImportPage:
    """What differs between the import pages: the plan and apply functions of the importer and
    what the page says; the steps (upload, preview, apply) are the same. A page is known to the
    worker by `key`, the name of its plan function."""

    template: str
    form_class: type
    plan: Callable
    apply: Callable
    change_permission: str
    changes_refused: str
    done_url: str

    def __post_init__(self):
        _pages[self.key] = self

    @property
    def key(self) -> str:
        return f'{self.plan.__module__}.{self.plan.__qualname__}'


def _page(key: str) -> ImportPage:
    if key not in _pages:
        jobs.load_tasks()  # the URL configuration imports every page
    return _pages[key]


def import_page(request: HttpRequest, page: ImportPage) -> HttpResponse:
    """GET: the upload form. POST "preview": store the file and queue its plan. POST "apply":
    queue the re-plan and write. Both answer with the job's page (hamkor.jobs), which shows the
    plan once it is made.

    The caller checks the permission to import at all; updating existing records also needs
    `page.change_permission`."""
    if request.method == 'POST' and request.POST.get('action') == 'apply':
        return _apply(request, page)
    form = page.form_class()
    if request.method == 'POST':
        form = page.form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data['file']
            try:
                stored = UPLOADS.save({FILE: upload}, owner=request.user)
            except UploadRefused as refused:
                form.add_error('file', str(refused))
            else:
                filename = display_name(upload.name, stored.files[FILE])
                params = {'page': page.key, 'filename': filename, 'url': request.path}
                return jobs.respond(
                    request, jobs.enqueue(PREVIEW, owner=request.user, params=params, upload=stored.token)
                )
    return render(request, page.template, {'form': form})


def _apply(request: HttpRequest, page: ImportPage) -> HttpResponse:
    stored = UPLOADS.load(request.POST.get('token', ''), owner=request.user)
    if stored is None:
        return render(request, page.template, {'form': page.form_class(), 'error': EXPIRED}, status=400)
    filename = display_name(request.POST.get('filename', ''), stored.files[FILE])
    params = {'page': page.key, 'filename': filename, 'url': request.path}
    return jobs.respond(request, jobs.enqueue(APPLY, owner=request.user, params=params, upload=stored.token))


#
# The jobs of a one-file import
#

PREVIEW = 'hamkor.import-preview'
APPLY = 'hamkor.import-apply'


class Record(dict):
    """A stored report read back: a dict whose keys are also attributes, as the templates (and
    code that held the live plan before) read them."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def as_record(value):
    if isinstance(value, dict):
        return Record({key: as_record(item) for key, item in value.items()})
    if isinstance(value, list):
        return [as_record(item) for item in value]
    return value


def plan_report(plan) -> dict:
    """A plan as the import template shows it, in JSON values."""
    rows = []
    for row in plan.rows:
        stored = {
            'line': row.line,
            'action': str(row.action),
            'identifier': getattr(row, 'identifier', '') or '',
            'changes': list(row.changes or ()),
            'problems': [{'field': problem.field, 'message': str(problem.message)} for problem in row.problems],
        }
        if getattr(row, 'name', None):
            stored['name'] = str(row.name)
        target = getattr(row, 'target', None)
        if target is not None and getattr(target, 'pk', None) is not None:
            stored['target'] = {'pk': target.pk, 'get_absolute_url': target.get_absolute_url()}
        rows.append(stored)
    return {
        'filename': plan.filename,
        'unit': plan.unit,
        'counts': plan.counts,
        'is_valid': plan.is_valid,
        'has_changes': plan.has_changes,
        'file_problems': [str(problem) for problem in plan.file_problems],
        'rows': rows,
    }


def _stored_file(job) -> tuple[ImportPage, StoredUpload]:
    stored = UPLOADS.load(job.upload, owner=job.owner)
    if stored is None or FILE not in stored.files:
        raise jobs.JobFailed(str(EXPIRED))
    return _page(job.params['page']), stored


def _plan(job, page: ImportPage, stored: StoredUpload):
    job.stage(_('Checking the file'))
    return jobs.call_with_progress(
        page.plan, stored.files[FILE], job.params['filename'], actor=job.owner, progress=job.progress
    )


def run_preview(job) -> dict:
    page, stored = _stored_file(job)
    plan = _plan(job, page, stored)
    return {'step': 'preview', 'outcome': 'planned', 'plan': plan_report(plan)}


def run_apply(job) -> dict:
    page, stored = _stored_file(job)
    plan = _plan(job, page, stored)
    report = {'step': 'apply', 'plan': plan_report(plan)}
    if plan.count(Action.UPDATE) and not job.owner.has_perm(page.change_permission):
        return {**report, 'outcome': 'refused', 'error': str(page.changes_refused), 'status': 403}
    job.stage(_('Writing'))
    try:
        result = jobs.call_with_progress(page.apply, plan, actor=job.owner, progress=job.progress)
    except ImportRejected:
        error = _('Some rows are rejected: nothing was written. Correct the file and upload it again.')
        return {**report, 'outcome': 'rejected', 'error': error}
    UPLOADS.discard(stored)
    message = _('Imported %(filename)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.') % {
        'filename': job.params['filename'],
        'created': result.created,
        'updated': result.updated,
        'unchanged': result.unchanged,
    }
    return {'step': 'apply', 'outcome': 'applied', 'message': message, 'done_url': reverse(page.done_url)}


def render_import_job(request: HttpRequest, job, *, inline: bool) -> HttpResponse:
    """An import job's report on the import's own page: the plan with its Apply button, or why
    nothing was written; an applied file sends its owner to the records (inline) or says so."""
    page = _page(job.params['page'])
    report = as_record(job.report or {})
    if report.get('outcome') == 'applied' and inline:
        messages.success(request, report['message'])
        return redirect(report['done_url'])
    context = {'form': page.form_class(), 'job': job, 'import_url': job.params.get('url', '')}
    if 'plan' in report:
        context |= {'plan': report['plan'], 'token': job.upload, 'filename': job.params['filename']}
    if report.get('error'):
        context['error'] = report['error']
    if report.get('outcome') == 'applied':
        context |= {'notice': report['message'], 'done_url': report['done_url']}
    return render(request, page.template, context, status=report.get('status', 200) if inline else 200)


jobs.register(PREVIEW, title=gettext_lazy('Preview of an import'), run=run_preview, render=render_import_job)
jobs.register(APPLY, title=gettext_lazy('Import'), run=run_apply, render=render_import_job)


class ImportCommand(BaseCommand):
    """`hamkor import-… FILE [--dry-run]`: plan an import, print the plan, then apply it or refuse it
    (a refused file exits non-zero, dry run or not).

        A subclass says how to plan a file (`plan`), apply a plan (`apply`) and name a row (`describe`)."""

    def plan(self, path: Path):
        raise NotImplementedError

    def apply(self, plan):
        raise NotImplementedError

    def describe(self, row) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument('file', help='a .csv or .xlsx file')
        parser.add_argument('--dry-run', action='store_true', help='show what the import would do; write nothing')

    def handle(self, *args, file: str, dry_run: bool = False, verbosity: int = 1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f'{file}: no such file')
        plan = self.plan(path)
        self.stdout.write(f'{plan.filename}: {plan.summary()}')
        if verbosity >= 2:
            for row in plan.rows:
                if row.action in (Action.CREATE, Action.UPDATE):
                    changes = f' ({", ".join(row.changes)})' if row.changes else ''
                    self.stdout.write(f'  {plan.unit} {row.line}: {row.action} {self.describe(row)}{changes}')
        for problem in plan.problems:
            self.stdout.write(f'  rejected: {problem}')
        if not plan.is_valid:
            # A dry run of a file the import would refuse fails too, so that a script can tell.
            raise CommandError(f'{len(plan.problems)} problem(s) in {plan.filename}: nothing was written')
        if dry_run:
            self.stdout.write('dry run: nothing was written')
            return
        try:
            result = self.apply(plan)
        except ImportRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(
            f'imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged '
            f'(change log request {result.request_id})'
        )
