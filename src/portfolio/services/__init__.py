"""Writes to the portfolio. Each function takes the acting user (`actor`;
hamkor.permissions.SYSTEM for the command line, loaders and the demo) and refuses one without
the permission of the change or who may not see the project, owns its transaction, validates
completely before it writes, and leaves the derived aggregate columns up to date; the change log
records every write with its actor and channel.

Everything recorded on a project (its status, amounts, budgets, participants, milestones,
documents and relations) is a change of the project: it needs `portfolio.change_project`."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.changelog import follow_visibility
from core.fx import RateUnavailable, convert
from hamkor.context import change_reason
from hamkor.permissions import require, user_of
from organizations.models import Organization
from portfolio.aggregation import refresh_projects
from portfolio.choices import LIFECYCLE, PART_LEVELS, REVISION_FAMILIES, ProjectStatus, TransactionType, Visibility
from portfolio.models import (
    Budget,
    CooperationSector,
    DocumentLink,
    Milestone,
    Participant,
    PlannedAmount,
    PlannedDisbursement,
    Project,
    ProjectCountry,
    ProjectSector,
    StatusChange,
    Transaction,
)
from portfolio.models.state import replace_token

# The fields of a project that its derived aggregate columns (aggregation.refresh_projects) or
# those of its parent depend on.
AGGREGATE_INPUTS = {'status', 'is_umbrella', 'parent', 'visibility'}

ADD_PROJECT = 'portfolio.add_project'
CHANGE_PROJECT = 'portfolio.change_project'
DELETE_PROJECT = 'portfolio.delete_project'

#
# Projects
#

PROJECT_FIELDS = (
    'identifier',
    'title_en',
    'title_ru',
    'title_zh',
    'title_uz',
    'description_en',
    'description_ru',
    'description_zh',
    'description_uz',
    'visibility',
    'region',
    'latitude',
    'longitude',
    'planned_start',
    'planned_end',
    'actual_start',
    'actual_end',
    'parent',
    'is_umbrella',
    'is_illustrative',
)


def check_parent(project: Project, parent: Project | None) -> None:
    """A project may not be its own ancestor."""
    seen = {project.pk} if project.pk else set()
    node = parent
    while node is not None:
        if node.pk in seen:
            raise ValidationError({'parent': _('This parent would make the project its own ancestor.')})
        seen.add(node.pk)
        node = node.parent


def check_part_levels(project: Project, parent: Project | None, *, parts: list[tuple[str, str]] | None = None) -> None:
    """Every reader of an umbrella agreement sees all of its parts (choices.PART_LEVELS): a part
    hidden from some of them would take the umbrella out of their totals without putting itself
    in.

    `parts` are the (identifier, visibility) of the project's parts when the caller knows them
    (an import, which sees the parts as the file leaves them); None reads them from the database."""
    if parent is not None and parent.is_umbrella and project.visibility not in PART_LEVELS[parent.visibility]:
        raise ValidationError({'visibility': part_level_message(project.visibility, parent.visibility)})
    if not project.is_umbrella:
        return
    if parts is None:
        if project.pk is None:
            return
        hidden = project.children.exclude(visibility__in=PART_LEVELS[project.visibility]).order_by('identifier')
        part = hidden.values_list('visibility', flat=True).first()
    else:
        levels = sorted(
            (identifier, level) for identifier, level in parts if level not in PART_LEVELS[project.visibility]
        )
        part = levels[0][1] if levels else None
    if part is not None:
        raise ValidationError({'visibility': part_level_message(part, project.visibility)})


def part_level_message(part_level: str, umbrella_level: str) -> str:
    return _(
        'A part of an umbrella agreement must be seen by every reader of the agreement: a part that is '
        '“%(part)s” cannot belong to an agreement that is “%(umbrella)s”.'
    ) % {'part': Visibility(part_level).label, 'umbrella': Visibility(umbrella_level).label}


def check_sectors(sectors: list[tuple[CooperationSector, Decimal]]) -> None:
    if not sectors:
        return
    codes = [sector.code for sector, _ in sectors]
    if len(set(codes)) != len(codes):
        raise ValidationError({'sectors': _('A sector is listed twice.')})
    for sector, percentage in sectors:
        if not (Decimal('0') < percentage <= Decimal('100')):
            raise ValidationError(
                {'sectors': _('The share of %(sector)s must be above 0 and at most 100.') % {'sector': sector.code}}
            )
    total = sum(percentage for _, percentage in sectors)
    if total != Decimal('100'):
        raise ValidationError({'sectors': _('Sector shares add up to %(total)s %%, not 100 %%.') % {'total': total}})


@transaction.atomic
def create_project(
    *,
    actor,
    status: str = ProjectStatus.PROPOSAL,
    status_reason: str = '',
    sectors: list[tuple[CooperationSector, Decimal]] = (),
    participants: list[tuple[Organization, str]] = (),
    **values,
) -> Project:
    """Create a project with its sector split and participants, validated as a whole. A project
    created at a later status than a proposal gets that status as its first change of status,
    with the reason the lifecycle asks for when it skips steps (as a change of status does)."""
    require(actor, ADD_PROJECT)
    if status != ProjectStatus.PROPOSAL:
        check_status_change(ProjectStatus.PROPOSAL, status, status_reason)
    if values.get('parent') is not None:
        require(actor, CHANGE_PROJECT, values['parent'])
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f'not fields of a project: {", ".join(sorted(unknown))}')
    project = Project(status=status, **values)
    project.full_clean(exclude=['stage'])
    check_sectors(list(sectors))
    check_parent(project, project.parent)
    check_part_levels(project, project.parent)
    project.save()
    ProjectSector.objects.bulk_create(
        ProjectSector(project=project, sector=sector, percentage=percentage) for sector, percentage in sectors
    )
    Participant.objects.bulk_create(
        Participant(project=project, organization=organization, role=role) for organization, role in participants
    )
    if status != ProjectStatus.PROPOSAL:
        StatusChange.objects.create(
            project=project, previous=ProjectStatus.PROPOSAL, new=status, reason=status_reason.strip(),
            actor=user_of(actor),
        )  # fmt: skip
    refresh_projects([project.pk])
    project.refresh_from_db()
    return project


@transaction.atomic
def update_project(
    *, project: Project, actor, sectors: list[tuple[CooperationSector, Decimal]] | None = None, **values
) -> Project:
    """Change a project's fields (not its status: see change_status) and optionally its sectors.

    A new parent must be a project the actor may change too: it is the parent's total that moves."""
    require(actor, CHANGE_PROJECT, project)
    if values.get('parent') is not None and values['parent'].pk != project.parent_id:
        require(actor, CHANGE_PROJECT, values['parent'])
    return _update_project(project, sectors, values)


def _update_project(project: Project, sectors, values: dict) -> Project:
    """update_project once the actor's permissions are checked."""
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f'not fields of a project (status changes go through change_status): {", ".join(unknown)}')
    old_parent, old_level, old_umbrella = project.parent_id, project.visibility, project.is_umbrella
    for name, value in values.items():
        setattr(project, name, value)
    project.full_clean(exclude=['stage'])
    check_parent(project, project.parent)
    # The umbrella rule held before this write (every write checks it): only what the write
    # changes is checked, so that an edit of a title reads neither the parent nor the parts.
    as_part = project.parent_id != old_parent or project.visibility != old_level
    as_umbrella = project.visibility != old_level or project.is_umbrella != old_umbrella
    check_part_levels(project, project.parent if as_part else None, parts=None if as_umbrella else [])
    if sectors is not None:
        check_sectors(list(sectors))
    project.save()
    if sectors is not None:
        project.sectors.all().delete()
        ProjectSector.objects.bulk_create(
            ProjectSector(project=project, sector=sector, percentage=percentage) for sector, percentage in sectors
        )
    if project.visibility != old_level:
        follow_visibility(Project, {project.pk: project.visibility})
    if sectors is not None or AGGREGATE_INPUTS & set(values):
        refresh_projects([project.pk] + ([old_parent] if old_parent else []))
        project.refresh_from_db()
    else:
        replace_token()  # nothing the aggregates read changed (a title, a description, dates)
    return project


def transition_needs_reason(previous: str, new: str) -> bool:
    """Moving one step along the lifecycle needs no reason; skipping, going back, suspending,
    cancelling or resuming does."""
    if previous in LIFECYCLE and new in LIFECYCLE:
        return LIFECYCLE.index(new) != LIFECYCLE.index(previous) + 1
    return True


@transaction.atomic
def delete_project(*, project: Project, actor) -> None:
    require(actor, DELETE_PROJECT, project)
    parent_id = project.parent_id
    project.delete()
    refresh_projects([parent_id] if parent_id else [])  # also marks the totals as changed


def check_status_change(previous: str, status: str, reason: str) -> None:
    """The lifecycle rules of a status change, for the service and for import previews."""
    if status not in ProjectStatus.values:
        raise ValidationError({'status': _('Unknown status %(status)s.') % {'status': status}})
    if previous == ProjectStatus.CANCELLED:
        raise ValidationError({'status': _('A cancelled project cannot change status.')})
    if transition_needs_reason(previous, status) and not reason.strip():
        raise ValidationError(
            {
                'reason': _('Moving from %(previous)s to %(new)s leaves the normal lifecycle: give a reason.')
                % {'previous': ProjectStatus(previous).label, 'new': ProjectStatus(status).label}
            }
        )


@transaction.atomic
def change_status(*, project: Project, actor, status: str, reason: str = '') -> Project:
    require(actor, CHANGE_PROJECT, project)
    previous = project.status
    if status == previous:
        return project
    check_status_change(previous, status, reason)
    project.status = status
    project.save(update_fields=['status', 'last_updated'])
    StatusChange.objects.create(
        project=project, previous=previous, new=status, reason=reason.strip(), actor=user_of(actor)
    )
    refresh_projects([project.pk])
    project.refresh_from_db()
    return project


@transaction.atomic
def add_participant(
    *, project: Project, actor, role: str, organization: Organization | None = None, kind: str = '', country=None
) -> Participant:
    """An organization, or organizations a source describes without naming them (`kind`, `country`)."""
    require(actor, CHANGE_PROJECT, project)
    participant = Participant(project=project, organization=organization, role=role, kind=kind, country=country)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def add_country(*, project: Project, actor, country, percentage: Decimal | None = None) -> ProjectCountry:
    """A country of the project; the shares stated, where any are, may not pass 100 % together."""
    require(actor, CHANGE_PROJECT, project)
    recorded = ProjectCountry(project=project, country=country, percentage=percentage)
    recorded.full_clean()
    stated = project.countries.exclude(percentage=None).aggregate(total=Sum('percentage'))['total'] or Decimal(0)
    if percentage is not None and stated + percentage > 100:
        raise ValidationError(
            {'percentage': _('The countries’ shares would add up to %(total)s %%, more than 100 %%.')
             % {'total': stated + percentage}}
        )  # fmt: skip
    recorded.save()
    return recorded


@transaction.atomic
def remove_country(*, country: ProjectCountry, actor) -> None:
    require(actor, CHANGE_PROJECT, country.project)
    country.delete()


@transaction.atomic
def add_milestone(*, project: Project, actor, title: str, planned_date=None, actual_date=None) -> Milestone:
    require(actor, CHANGE_PROJECT, project)
    milestone = Milestone(project=project, title=title, planned_date=planned_date, actual_date=actual_date)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def remove_participant(*, participant: Participant, actor) -> None:
    require(actor, CHANGE_PROJECT, participant.project)
    participant.delete()


@transaction.atomic
def remove_milestone(*, milestone: Milestone, actor) -> None:
    require(actor, CHANGE_PROJECT, milestone.project)
    milestone.delete()


#
# Relations between projects
#


class Relation:
    """How another project relates to this one: linked to it, its parent, or one of its parts."""

    LINKED = 'linked'
    PARENT = 'parent'
    CHILD = 'child'
    ALL = (LINKED, PARENT, CHILD)


def ancestors(project: Project) -> list[Project]:
    chain, node = [], project.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


@transaction.atomic
def link_projects(*, project: Project, other: Project, actor) -> None:
    """A symmetric "linked to" relation (shown on both projects' pages), so both are changed."""
    require(actor, CHANGE_PROJECT, project)
    require(actor, CHANGE_PROJECT, other)
    if project.pk == other.pk:
        raise ValidationError({'linked': _('A project cannot be linked to itself.')})
    if project.linked.filter(pk=other.pk).exists():
        raise ValidationError(
            {'linked': _('%(other)s is already linked to this project.') % {'other': other.identifier}}
        )
    if other.parent_id == project.pk or project.parent_id == other.pk:
        raise ValidationError(
            {
                'linked': _('%(other)s is already related to this project as its parent or one of its parts.')
                % {'other': other.identifier}
            }
        )
    project.linked.add(other)


@transaction.atomic
def relate_projects(*, project: Project, other: Project, relation: str, actor) -> None:
    """Link another project, make it this project's parent, or make it one of its parts.

    A relation that would make a project its own ancestor (a cycle) is refused, and so is one
    that would silently replace an existing parent: that relation must be removed first."""
    if relation == Relation.LINKED:
        link_projects(project=project, other=other, actor=actor)
        return
    require(actor, CHANGE_PROJECT, project)
    require(actor, CHANGE_PROJECT, other)
    if relation not in Relation.ALL:
        raise ValueError(f'unknown relation {relation!r}')
    if project.pk == other.pk:
        raise ValidationError({'other': _('A project cannot be related to itself.')})
    child, parent = (project, other) if relation == Relation.PARENT else (other, project)
    if child.parent_id == parent.pk:
        raise ValidationError(
            {
                'other': _('%(child)s is already part of %(parent)s.')
                % {'child': child.identifier, 'parent': parent.identifier}
            }
        )
    if child.parent_id is not None:
        raise ValidationError(
            {
                'other': _('%(child)s is already part of %(parent)s; remove that relation first.')
                % {'child': child.identifier, 'parent': child.parent.identifier}
            }
        )
    if any(node.pk == child.pk for node in [parent, *ancestors(parent)]):
        raise ValidationError(
            {
                'other': _(
                    '%(parent)s is itself part of %(child)s (directly or through other parts): '
                    'making %(child)s part of it would be a cycle.'
                )
                % {'child': child.identifier, 'parent': parent.identifier}
            }
        )
    # Both projects' change permission is checked above: update_project's own checks would repeat them.
    _update_project(child, None, {'parent': parent})


@transaction.atomic
def unrelate_projects(*, project: Project, other: Project, relation: str, actor) -> None:
    """Remove a relation shown on the project's page; a relation that does not exist is an error."""
    require(actor, CHANGE_PROJECT, project)
    require(actor, CHANGE_PROJECT, other)
    if relation == Relation.LINKED:
        if not project.linked.filter(pk=other.pk).exists():
            raise ValidationError(
                {'other': _('%(other)s is not linked to this project.') % {'other': other.identifier}}
            )
        project.linked.remove(other)
        return
    child, parent = (project, other) if relation == Relation.PARENT else (other, project)
    if child.parent_id != parent.pk:
        raise ValidationError(
            {
                'other': _('%(child)s is not part of %(parent)s.')
                % {'child': child.identifier, 'parent': parent.identifier}
            }
        )
    _update_project(child, None, {'parent': None})


#
# Money
#

TRANSACTION_FIELDS = (
    'type',
    'value',
    'currency',
    'value_date',
    'finance_type',
    'flow_class',
    'provider',
    'description',
    'passes_on',
    'interest_rate',
    'maturity_years',
    'grace_years',
)


def apply_conversion(tx: Transaction | PlannedAmount) -> None:
    """Fill the USD value at the value date, or leave it empty with the reason.

    The stored note is written in the default language whatever the language of the request
    that records the amount, so that every reader sees the same note."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            conversion = convert(tx.value, tx.currency_id, tx.value_date)
        except RateUnavailable as error:
            tx.value_usd, tx.fx_rate, tx.fx_note = None, None, str(error)[:300]
            return
        tx.value_usd = conversion.result
        tx.fx_rate = conversion.rates[0].per_usd if conversion.rates else Decimal('1')
        tx.fx_note = conversion.explanation[:300]


def check_value_date(value_date: datetime.date) -> None:
    if value_date > timezone.localdate() + datetime.timedelta(days=3650):
        raise ValidationError({'value_date': _('The value date is more than ten years ahead.')})


def check_transaction(tx: Transaction) -> None:
    tx.full_clean(exclude=['project', 'superseded_by'])
    check_value_date(tx.value_date)


def check_revision(revised: Transaction, revision: Transaction) -> None:
    """A revision replaces an amount of its own family: a pledge or commitment by a pledge or
    commitment of the same direction (an outgoing pledge becomes an outgoing commitment), any
    other amount by one of its type; a disbursement never replaces a commitment."""
    if revised.project_id != revision.project_id:
        raise ValidationError({'supersedes': _('A revision must belong to the same project.')})
    check_revision_family(revised, revision)
    if revised.superseded_by_id is not None:
        raise ValidationError({'supersedes': _('This amount is already revised: revise its latest revision.')})


def check_revision_family(revised: Transaction, revision: Transaction) -> None:
    family = next((types for types in REVISION_FAMILIES if revised.type in types), {revised.type})
    if revision.type not in family:
        labels = {code: str(TransactionType(code).label) for code in (revision.type, revised.type, *family)}
        raise ValidationError(
            {
                'supersedes': _(
                    'An amount of type “%(revision)s” cannot revise one of type “%(revised)s”: a revision is '
                    'an amount of the same family (%(family)s).'
                )
                % {
                    'revision': labels[revision.type],
                    'revised': labels[revised.type],
                    'family': ', '.join(labels[code] for code in sorted(family, key=int)),
                }
            }
        )


@transaction.atomic
def add_transaction(*, project: Project, actor, supersedes: Transaction | None = None, **values) -> Transaction:
    """Record an amount; `supersedes` names the earlier amount this one revises (it stops counting)."""
    require(actor, CHANGE_PROJECT, project)
    unknown = set(values) - set(TRANSACTION_FIELDS)
    if unknown:
        raise TypeError(f'not fields of a transaction: {", ".join(sorted(unknown))}')
    tx = Transaction(project=project, **values)
    check_transaction(tx)
    if supersedes is not None:
        check_revision(supersedes, tx)
    apply_conversion(tx)
    tx.save()
    if supersedes is not None:
        supersedes.superseded_by = tx
        supersedes.save(update_fields=['superseded_by', 'last_updated'])
    refresh_projects([project.pk])
    return tx


PASSED_ON = gettext_lazy('An on-lent amount passes this commitment on: remove or correct that amount first.')


def _required_reason(reason: str) -> str:
    reason = (reason or '').strip()
    if not reason:
        raise ValidationError(
            {'reason': _('Say why: a correction or a removal of an amount is logged with its reason.')}
        )
    return reason


@transaction.atomic
def correct_transaction(*, amount: Transaction, actor, reason: str, **values) -> Transaction:
    """Correct a recorded amount in place (a wrong figure, date or currency, not a new revision:
    that is a new amount naming the one it revises); the change log keeps who, when, the
    values before and after, and why."""
    require(actor, CHANGE_PROJECT, amount.project)
    reason = _required_reason(reason)
    unknown = set(values) - set(TRANSACTION_FIELDS)
    if unknown:
        raise TypeError(f'not fields of a transaction: {", ".join(sorted(unknown))}')
    if 'type' in values and values['type'] != amount.type and amount.passed_on_by.exists():
        raise ValidationError({'type': PASSED_ON})
    for name, value in values.items():
        setattr(amount, name, value)
    check_transaction(amount)
    for revised in amount.supersedes.all():
        check_revision_family(revised, amount)
    apply_conversion(amount)
    with change_reason(reason):
        amount.save()
    refresh_projects([amount.project_id])
    return amount


@transaction.atomic
def remove_transaction(*, amount: Transaction, actor, reason: str) -> None:
    """Remove a recorded amount (entered by mistake); an amount it revised counts again, and one
    that an on-lent amount passes on is kept until that one is removed."""
    require(actor, CHANGE_PROJECT, amount.project)
    reason = _required_reason(reason)
    if amount.passed_on_by.exists():
        raise ValidationError(PASSED_ON, code='passed_on')
    with change_reason(reason):
        for revised in amount.supersedes.all():
            revised.superseded_by = None
            revised.save(update_fields=['superseded_by', 'last_updated'])
        amount.delete()
    refresh_projects([amount.project_id])


#
# Budgets and planned disbursements: shown with the project, never aggregated
#

BUDGET_FIELDS = ('type', 'status', 'period_start', 'period_end', 'value', 'currency', 'value_date')
PLANNED_DISBURSEMENT_FIELDS = (
    'type',
    'period_start',
    'period_end',
    'value',
    'currency',
    'value_date',
    'provider',
    'receiver',
)


def _add_planned_amount(model, fields, project: Project, actor, values: dict):
    require(actor, CHANGE_PROJECT, project)
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f'not fields of a {model._meta.model_name}: {", ".join(sorted(unknown))}')
    amount = model(project=project, **values)
    amount.full_clean(exclude=['project'])
    check_value_date(amount.value_date)
    apply_conversion(amount)
    amount.save()
    # No refresh of the aggregates: planned amounts do not make a project's value.
    return amount


@transaction.atomic
def add_budget(*, project: Project, actor, **values) -> Budget:
    """Record a budget for a period of at most a year, converted to USD at its value date."""
    return _add_planned_amount(Budget, BUDGET_FIELDS, project, actor, values)


@transaction.atomic
def remove_budget(*, budget: Budget, actor) -> None:
    require(actor, CHANGE_PROJECT, budget.project)
    budget.delete()


@transaction.atomic
def add_planned_disbursement(*, project: Project, actor, **values) -> PlannedDisbursement:
    return _add_planned_amount(PlannedDisbursement, PLANNED_DISBURSEMENT_FIELDS, project, actor, values)


@transaction.atomic
def remove_planned_disbursement(*, planned_disbursement: PlannedDisbursement, actor) -> None:
    require(actor, CHANGE_PROJECT, planned_disbursement.project)
    planned_disbursement.delete()


#
# Documents
#

DOCUMENT_FIELDS = (
    'url',
    'format',
    'title_en',
    'title_ru',
    'title_zh',
    'title_uz',
    'category',
    'language',
    'document_date',
    'source',
)


@transaction.atomic
def add_document(*, project: Project, actor, **values) -> DocumentLink:
    require(actor, CHANGE_PROJECT, project)
    unknown = set(values) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f'not fields of a document link: {", ".join(sorted(unknown))}')
    document = DocumentLink(project=project, **values)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def remove_document(*, document: DocumentLink, actor) -> None:
    require(actor, CHANGE_PROJECT, document.project)
    document.delete()


# Writing many projects at once (imports): the same rules, bulk queries. Imported last: the
# module uses the functions above.
from portfolio.services import bulk  # noqa: E402

ProjectRow, RowsRejected, import_projects = bulk.ProjectRow, bulk.RowsRejected, bulk.import_projects
clean_project, constraint_errors = bulk.clean_project, bulk.constraint_errors
