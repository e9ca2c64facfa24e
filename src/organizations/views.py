"""Pages of the registry of organizations: list, detail, create, edit, delete, import.

The pages are under /portfolio/organizations/ and named in the portfolio namespace, where the
registry began (see urls.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from hamkor.forms import add_service_errors
from hamkor.uploads import ImportForm, ImportPage, import_page
from organizations import selectors, services
from organizations.filters import OrganizationFilter
from organizations.forms import OrganizationForm
from organizations.imports import INPUT_COLUMNS, apply_organization_import, plan_organization_import
from organizations.models import Organization

LIST_URL = 'portfolio:organization_list'


def organization_list(request):
    filtered = OrganizationFilter(request.GET, queryset=selectors.organizations())
    page = Paginator(filtered.qs, 50).get_page(request.GET.get('page'))
    return render(request, 'organizations/organization_list.html', {'filter': filtered, 'page': page})


def organization_detail(request, pk):
    detail = selectors.organization_detail(request.user, pk)
    context = {
        **detail.parts,
        'organization': detail.organization,
        'history': detail.history,
        'aliases': detail.aliases,
    }
    return render(request, 'organizations/organization_detail.html', context)


@permission_required('organizations.add_organization')
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            organization = services.create_organization(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Organization created.'))
            return redirect(organization)
    return render(request, 'organizations/organization_form.html', {'form': form})


@permission_required('organizations.change_organization')
def organization_edit(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if not form.is_bound:
        form.initial['aliases'] = '\n'.join(alias.name for alias in organization.aliases.all())
    if request.method == 'POST' and form.is_valid():
        try:
            services.update_organization(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Organization saved.'))
            return redirect(organization)
    return render(request, 'organizations/organization_form.html', {'form': form, 'organization': organization})


@permission_required('organizations.delete_organization')
def organization_delete(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    if request.method == 'POST':
        try:
            services.delete_organization(organization=organization, actor=request.user)
        except ProtectedError:
            messages.error(
                request,
                _('This organization is still referenced (by users, projects or amounts) and cannot be deleted.'),
            )
            return redirect(organization)
        messages.success(request, _('Organization deleted.'))
        return redirect(LIST_URL)
    return render(request, 'organizations/organization_confirm_delete.html', {'organization': organization})


#
# Import: upload, preview the plan, apply it (the steps are hamkor.uploads')
#


class OrganizationImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['file'].help_text = gettext_lazy(
            'CSV (UTF-8, comma-separated) or XLSX with the columns %(columns)s; aliases separated by "|".'
        ) % {'columns': ', '.join(INPUT_COLUMNS)}


IMPORT_PAGE = ImportPage(
    template='organizations/organization_import.html',
    form_class=OrganizationImportForm,
    plan=plan_organization_import,
    apply=apply_organization_import,
    change_permission='organizations.change_organization',
    changes_refused=gettext_lazy(
        'This file changes existing organizations, which your role may not do. Nothing was written.'
    ),
    done_url=LIST_URL,
)


@permission_required('organizations.add_organization')
def organization_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, IMPORT_PAGE)
