"""The web page of the organization import: upload, preview the plan, apply it.

Uploads are kept between preview and apply exactly as for the project import
(portfolio.import_views): under a random token, re-planned on apply.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from portfolio.import_views import ImportForm, display_name, store_upload, stored_upload
from portfolio.importers import Action, ImportRejected
from portfolio.organization_import import INPUT_COLUMNS, apply_organization_import, plan_organization_import

TEMPLATE = 'portfolio/organization_import.html'


class OrganizationImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['file'].help_text = gettext_lazy(
            'CSV (UTF-8, comma-separated) or XLSX with the columns %(columns)s; aliases separated by "|".'
        ) % {'columns': ', '.join(INPUT_COLUMNS)}


@permission_required('portfolio.add_organization')
def organization_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST "preview": store the file and show its plan. POST "apply": re-plan and write."""
    if request.method == 'POST' and request.POST.get('action') == 'apply':
        return organization_import_apply(request)
    form = OrganizationImportForm()
    context: dict = {}
    if request.method == 'POST':
        form = OrganizationImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data['file']
            token = store_upload(upload)
            path = stored_upload(token)
            filename = display_name(upload.name, path)
            context |= {'plan': plan_organization_import(path, filename), 'token': token, 'filename': filename}
    return render(request, TEMPLATE, {'form': form, **context})


def organization_import_apply(request: HttpRequest) -> HttpResponse:
    """The "Apply" button of a preview (reached through organization_import, which checks the permission)."""
    path = stored_upload(request.POST.get('token', ''))
    if path is None:
        context = {
            'form': OrganizationImportForm(),
            'error': _('The uploaded file is no longer available: upload it again.'),
        }
        return render(request, TEMPLATE, context, status=400)
    filename = display_name(request.POST.get('filename', ''), path)
    plan = plan_organization_import(path, filename)
    context = {'form': OrganizationImportForm(), 'plan': plan, 'token': path.stem, 'filename': filename}
    if plan.count(Action.UPDATE) and not request.user.has_perm('portfolio.change_organization'):
        context['error'] = _(
            'This file changes existing organizations, which your role may not do. Nothing was written.'
        )
        return render(request, TEMPLATE, context, status=403)
    try:
        result = apply_organization_import(plan, actor=request.user)
    except ImportRejected:
        context['error'] = _('Some rows are rejected: nothing was written. Correct the file and upload it again.')
        return render(request, TEMPLATE, context)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        _('Imported %(filename)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.')
        % {'filename': filename, 'created': result.created, 'updated': result.updated, 'unchanged': result.unchanged},
    )
    return redirect('portfolio:organization_list')
