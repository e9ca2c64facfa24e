"""Pages of the portfolio: dashboard with drill-downs, projects (the organizations' pages are organizations.views)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import CodelistItem, ObjectChange
from hamkor.auth import permission_required
from hamkor.charts import bar_chart, to_json
from hamkor.forms import add_service_errors
from portfolio import selectors, services
from portfolio.filters import ProjectFilter
from portfolio.forms import (
    BudgetForm,
    DocumentForm,
    MilestoneForm,
    ParticipantForm,
    PlannedDisbursementForm,
    ProjectForm,
    RelationForm,
    StatusForm,
    TransactionForm,
)
from portfolio.models import DOCUMENT_CATEGORY_CODELIST, Project, ProjectSector
from portfolio.services import Relation
from sources.models import Citation

DIMENSION_TITLES = {
    'stage': gettext_lazy('By stage'),
    'sector': gettext_lazy('By sector'),
    'region': gettext_lazy('By region'),
    'financier': gettext_lazy('By financier'),
    'year': gettext_lazy('By year of commitment'),
}


SORT_OPTIONS = [
    ('identifier', gettext_lazy('Identifier')),
    ('-value', gettext_lazy('Value, largest first')),
    ('value', gettext_lazy('Value, smallest first')),
    ('title', gettext_lazy('Title')),
    ('status', gettext_lazy('Status')),
]


#
# Dashboard and drill-down
#


def dashboard(request):
    summary = selectors.summary(request.user)
    breakdowns = {
        dimension: selectors.breakdown(request.user, dimension)
        for dimension in ('sector', 'financier', 'year', 'region')
    }
    charts = {}
    for dimension in ('sector', 'financier'):
        values = [
            {'group': group.label or _('Not stated'), 'usd': float(group.value_usd)}
            for group in breakdowns[dimension]
            if group.value_usd
        ]
        if values:
            charts[dimension] = to_json(bar_chart(values, category='group', value='usd', value_title='USD'))
    stage_values = [{'group': group.label, 'usd': float(group.value_usd)} for group in summary.by_stage]
    charts['stage'] = to_json(bar_chart(stage_values, category='group', value='usd', value_title='USD'))
    context = {
        'summary': summary,
        'breakdowns': breakdowns,
        'charts': charts,
        'titles': DIMENSION_TITLES,
        'illustrative_usd': selectors.illustrative_total(request.user),
    }
    return render(request, 'portfolio/dashboard.html', context)


def drill_down(request, dimension, key):
    key = selectors.key_from_url(key)
    group = selectors.find_group(request.user, dimension, key)
    if group is None:
        raise Http404
    contributions = selectors.drill_down(request.user, dimension, key)
    page = Paginator(contributions, 100).get_page(request.GET.get('page'))
    context = {'dimension': dimension, 'title': DIMENSION_TITLES[dimension], 'group': group, 'page': page}
    return render(request, 'portfolio/drill_down.html', context)


#
# Projects
#


def project_list(request):
    projects = Project.objects.visible_to(request.user).prefetch_related(
        Prefetch('sectors', ProjectSector.objects.select_related('sector'))
    )
    filtered = ProjectFilter(request.GET, queryset=projects)
    page = Paginator(filtered.qs, 50).get_page(request.GET.get('page'))
    template = 'portfolio/_project_table.html' if request.headers.get('HX-Request') else 'portfolio/project_list.html'
    return render(request, template, {'filter': filtered, 'page': page, 'sort_options': SORT_OPTIONS})


def project_detail(request, pk):
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related('parent'),
        pk=pk,
    )
    context = {
        'project': project,
        'sectors': project.sectors.select_related('sector'),
        'participants': project.participants.select_related('organization__country'),
        'transactions': project.transactions.select_related('provider', 'currency', 'superseded_by'),
        'children': project.children.visible_to(request.user),
        'linked': project.linked.visible_to(request.user),
        'milestones': project.milestones.all(),
        'budgets': project.budgets.all(),
        'planned_disbursements': project.planned_disbursements.select_related('provider', 'receiver'),
        'documents': project.documents.select_related('source').annotate(
            category_name=Subquery(
                CodelistItem.objects.filter(
                    codelist__name=DOCUMENT_CATEGORY_CODELIST, code=OuterRef('category')
                ).values('name_en')[:1]
            )
        ),
        'status_changes': project.status_changes.select_related('actor'),
        'citations': Citation.objects.for_record(project),
        'history': ObjectChange.objects.for_record(project)
        if request.user.has_perm('core.view_objectchange')
        else None,
        'status_form': StatusForm(initial={'status': project.status}),
    }
    return render(request, 'portfolio/project_detail.html', context)


@permission_required('portfolio.add_project')
def project_create(request):
    form = ProjectForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
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
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=pk))
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}
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


# What can be added to a project from its page: part -> (form, service, page title, note under the title)
ITEM_FORMS = {
    'participant': (ParticipantForm, services.add_participant, gettext_lazy('Add a participant'), None),
    'milestone': (MilestoneForm, services.add_milestone, gettext_lazy('Add a milestone'), None),
    'budgets': (
        BudgetForm,
        services.add_budget,
        gettext_lazy('Add a budget'),
        gettext_lazy(
            'A budget is what the project expects to spend in a period of at most a year. It is converted to '
            'US dollars at its value date and shown with the project, but not added to the portfolio value, '
            'which counts commitments and pledges.'
        ),
    ),
    'planned-disbursements': (
        PlannedDisbursementForm,
        services.add_planned_disbursement,
        gettext_lazy('Add a planned disbursement'),
        gettext_lazy(
            'A payment expected in a period. It is converted to US dollars at its value date and shown with '
            'the project, but not added to the portfolio value.'
        ),
    ),
    'documents': (
        DocumentForm,
        services.add_document,
        gettext_lazy('Add a document'),
        gettext_lazy('A link to a document about the project published on the web (http or https).'),
    ),
}


@permission_required('portfolio.change_project')
def project_item_create(request, pk, part):
    """Add a participant, milestone, budget, planned disbursement or document to a project the user may see."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    if part not in ITEM_FORMS:
        raise Http404
    form_class, service, title, note = ITEM_FORMS[part]
    form = form_class(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            service(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Saved.'))
            return redirect(project)
    context = {'form': form, 'project': project, 'title': title, 'note': note}
    return render(request, 'portfolio/project_item_form.html', context)


@permission_required('portfolio.change_project')
def relation_create(request, pk):
    visible = Project.objects.visible_to(request.user)
    project = get_object_or_404(visible, pk=pk)
    form = RelationForm(request.POST or None, projects=visible)
    if request.method == 'POST' and form.is_valid():
        try:
            services.relate_projects(
                project=project,
                other=form.cleaned_data['identifier'],
                relation=form.cleaned_data['relation'],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Relation saved.'))
            return redirect(project)
    context = {
        'form': form,
        'project': project,
        'title': _('Relate another project'),
        'note': _(
            'A linked project is shown on both pages. A parent and its parts form a hierarchy: an umbrella '
            'agreement stops counting in the aggregates once its parts are recorded.'
        ),
    }
    return render(request, 'portfolio/project_item_form.html', context)


# Records removable from a project's page: part -> (its records on the project, service, keyword, what it is)
REMOVABLE = {
    'participants': (
        lambda project: project.participants.select_related('organization'),
        services.remove_participant,
        'participant',
        gettext_lazy('participant'),
    ),
    'milestones': (
        lambda project: project.milestones.all(),
        services.remove_milestone,
        'milestone',
        gettext_lazy('milestone'),
    ),
    'budgets': (lambda project: project.budgets.all(), services.remove_budget, 'budget', gettext_lazy('budget')),
    'planned-disbursements': (
        lambda project: project.planned_disbursements.all(),
        services.remove_planned_disbursement,
        'planned_disbursement',
        gettext_lazy('planned disbursement'),
    ),
    'documents': (
        lambda project: project.documents.all(),
        services.remove_document,
        'document',
        gettext_lazy('document'),
    ),
}
RELATION_PARTS = {
    'linked': (Relation.LINKED, gettext_lazy('link to')),
    'parent': (Relation.PARENT, gettext_lazy('relation to the parent')),
    'children': (Relation.CHILD, gettext_lazy('relation to the part')),
}


def _related(project, other, relation) -> bool:
    if relation == Relation.LINKED:
        return project.linked.filter(pk=other.pk).exists()
    if relation == Relation.PARENT:
        return project.parent_id == other.pk
    return other.parent_id == project.pk


@permission_required('portfolio.change_project')
def project_remove(request, pk, part, item):
    """Confirm, then (POST) remove a record or a relation shown on a project's page."""
    visible = Project.objects.visible_to(request.user)
    project = get_object_or_404(visible, pk=pk)
    if part in RELATION_PARTS:
        relation, what = RELATION_PARTS[part]
        record = get_object_or_404(visible, pk=item)
        if not _related(project, record, relation):
            raise Http404

        def remove():
            services.unrelate_projects(project=project, other=record, relation=relation, actor=request.user)
    elif part in REMOVABLE:
        records, service, keyword, what = REMOVABLE[part]
        record = get_object_or_404(records(project), pk=item)

        def remove():
            service(**{keyword: record}, actor=request.user)
    else:
        raise Http404
    if request.method == 'POST':
        try:
            remove()
        except ValidationError as error:
            messages.error(request, ' '.join(error.messages))
        else:
            messages.success(request, _('Removed.'))
        return redirect(project)
    context = {'project': project, 'record': record, 'what': what}
    return render(request, 'portfolio/project_remove_confirm.html', context)
