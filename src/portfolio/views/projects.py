"""Pages of projects: the list, a project, and the forms that create, edit and change its status or record an amount."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from hamkor.forms import add_service_errors, filter_errors
from portfolio import selectors, services
from portfolio.forms import (
    ProjectForm,
    StatusForm,
    TransactionForm,
)
from portfolio.models import Project

SORT_OPTIONS = [
    ('identifier', gettext_lazy('Identifier')),
    ('-value', gettext_lazy('Value, largest first')),
    ('value', gettext_lazy('Value, smallest first')),
    ('title', gettext_lazy('Title')),
    ('status', gettext_lazy('Status')),
]


def project_list(request):
    filtered = selectors.project_filter(request.user, request.GET)
    errors = filter_errors(filtered)
    projects = filtered.queryset.none() if errors else filtered.qs
    page = Paginator(selectors.list_projects(projects), 50).get_page(request.GET.get('page'))
    template = 'portfolio/_project_table.html' if request.headers.get('HX-Request') else 'portfolio/project_list.html'
    context = {'filter': filtered, 'filter_errors': errors, 'page': page, 'sort_options': SORT_OPTIONS}
    return render(request, template, context)


def project_detail(request, pk):
    try:
        project_page = selectors.project_page(request.user, pk)
    except Project.DoesNotExist:
        raise Http404 from None
    context = {**vars(project_page), 'status_form': StatusForm(initial={'status': project_page.project.status})}
    return render(request, 'portfolio/project_detail.html', context)


@permission_required('portfolio.add_project')
def project_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS if name in form.cleaned_data}
        try:
            project = services.create_project(actor=request.user, sectors=form.cleaned_data['sectors'], **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Project created.'))
            return redirect(project)
    return render(request, 'portfolio/project_form.html', {'form': form})


@permission_required('portfolio.change_project')
def project_edit(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    # The form gets its own copy: validating a bound ModelForm writes the submitted values into
    # its instance, and the service must see the project as stored (e.g. its previous parent).
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=pk), user=request.user)
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS if name in form.cleaned_data}
        try:
            services.update_project(project=project, actor=request.user, sectors=form.cleaned_data['sectors'], **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Project saved.'))
            return redirect(project)
    return render(request, 'portfolio/project_form.html', {'form': form, 'project': project})


@permission_required('portfolio.change_project')
def project_status(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    form = StatusForm(request.POST or None, initial={'status': project.status})
    if request.method == 'POST' and form.is_valid():
        try:
            services.change_status(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Status changed.'))
            return redirect(project)
    return render(request, 'portfolio/status_form.html', {'form': form, 'project': project})


@permission_required('portfolio.change_project')
def transaction_create(request, pk):
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    form = TransactionForm(request.POST or None, project=project)
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TRANSACTION_FIELDS}
        try:
            services.add_transaction(
                project=project, actor=request.user, supersedes=form.cleaned_data['supersedes'], **values
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Amount recorded.'))
            return redirect(project)
    return render(request, 'portfolio/transaction_form.html', {'form': form, 'project': project})
