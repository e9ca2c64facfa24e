"""What every file import shares: its web page (upload, preview the plan, apply it) and its
command (`ImportCommand`: plan, print the plan, apply it or refuse it).

The uploaded file is kept between the preview and the apply under MEDIA_ROOT/imports as
<random token>.<csv|xlsx>; the page carries only the token, which is checked to be hex so that
it can never name another path. Apply plans the stored file again (the database may have
changed since the preview) and writes only if no row is rejected.

Used by the organization and project imports.
"""

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.imports import Action, ImportRejected

EXTENSIONS = ('csv', 'xlsx')
TOKEN = re.compile(r'[0-9a-f]{32}')
MAX_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 24 * 3600  # an upload not applied within a day is removed


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


def extension_of(name: str) -> str:
    return Path(name).suffix.lower().lstrip('.')


def upload_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / 'imports'


def store_upload(upload) -> str:
    """Save the upload under a new random token; also remove uploads left behind for a day."""
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in directory.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with (directory / f'{token}.{extension_of(upload.name)}').open('wb') as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token


def stored_upload(token: str) -> Path | None:
    """The stored file of a token, or None for a token that is not ours (or has expired)."""
    if not TOKEN.fullmatch(token):
        return None
    for extension in EXTENSIONS:
        path = upload_directory() / f'{token}.{extension}'
        if path.is_file():
            return path
    return None


def display_name(name: str, path: Path) -> str:
    """The uploaded file's own name for messages, reduced to a base name with the stored extension."""
    name = Path(name.replace('\\', '/')).name[:200]
    return name if name and extension_of(name) == extension_of(path.name) else f'upload{path.suffix}'


@dataclass(frozen=True)
class ImportPage:
    """What differs between the import pages: the plan and apply functions of the importer and
    what the page says; the steps (upload, preview, apply) are the same."""

    template: str
    form_class: type
    plan: Callable
    apply: Callable
    change_permission: str
    changes_refused: str
    done_url: str


def import_page(request: HttpRequest, page: ImportPage) -> HttpResponse:
    """GET: the upload form. POST "preview": store the file and show its plan. POST "apply": re-plan and write.

    The caller checks the permission to import at all; updating existing records also needs
    `page.change_permission`."""
    if request.method == 'POST' and request.POST.get('action') == 'apply':
        return _apply(request, page)
    form = page.form_class()
    context: dict = {}
    if request.method == 'POST':
        form = page.form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data['file']
            token = store_upload(upload)
            path = stored_upload(token)
            filename = display_name(upload.name, path)
            context |= {'plan': page.plan(path, filename), 'token': token, 'filename': filename}
    return render(request, page.template, {'form': form, **context})


def _apply(request: HttpRequest, page: ImportPage) -> HttpResponse:
    path = stored_upload(request.POST.get('token', ''))
    if path is None:
        context = {
            'form': page.form_class(),
            'error': _('The uploaded file is no longer available: upload it again.'),
        }
        return render(request, page.template, context, status=400)
    filename = display_name(request.POST.get('filename', ''), path)
    plan = page.plan(path, filename)
    context = {'form': page.form_class(), 'plan': plan, 'token': path.stem, 'filename': filename}
    if plan.count(Action.UPDATE) and not request.user.has_perm(page.change_permission):
        context['error'] = page.changes_refused
        return render(request, page.template, context, status=403)
    try:
        result = page.apply(plan, actor=request.user)
    except ImportRejected:
        context['error'] = _('Some rows are rejected: nothing was written. Correct the file and upload it again.')
        return render(request, page.template, context)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        _('Imported %(filename)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.')
        % {'filename': filename, 'created': result.created, 'updated': result.updated, 'unchanged': result.unchanged},
    )
    return redirect(page.done_url)


class ImportCommand(BaseCommand):
    """`hamkor import-… FILE [--dry-run]`: plan an import, print the plan, then apply it or refuse it.

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
        if dry_run:
            self.stdout.write('dry run: nothing was written')
            return
        if not plan.is_valid:
            raise CommandError(f'{len(plan.problems)} problem(s) in {plan.filename}: nothing was written')
        try:
            result = self.apply(plan)
        except ImportRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(
            f'imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged '
            f'(change log request {result.request_id})'
        )
