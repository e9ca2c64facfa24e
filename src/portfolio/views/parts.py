"""What is recorded on a project from its page: participants, milestones, budgets, planned
disbursements, documents and relations to other projects, added and removed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from hamkor.forms import add_service_errors
from portfolio import services
from portfolio.forms import (
    BudgetForm,
    CountryForm,
    DocumentForm,
    MilestoneForm,
    ParticipantForm,
    PlannedDisbursementForm,
    RelationForm,
)
from portfolio.models import Project
from portfolio.services import Relation

# What can be added to a project from its page: part -> (form, service, page title, note under the title)
ITEM_FORMS = {
    'participant': (ParticipantForm, services.add_participant, gettext_lazy('Add a participant'), None),
    'country': (
        CountryForm,
        services.add_country,
        gettext_lazy('Add a country'),
        gettext_lazy('A country the project is in or benefits, with its share where the source states one.'),
    ),
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
    'countries': (
        lambda project: project.countries.select_related('country'),
        services.remove_country,
        'country',
        gettext_lazy('country of the project'),
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
