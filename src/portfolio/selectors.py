"""Portfolio totals, breakdowns and their drill-downs, always computed over the projects the
reader may see. Every breakdown adds up exactly to the headline (a group "not stated" holds
what has no sector, region, financier or year)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear

from core.models import CodelistItem, ObjectChange
from hamkor.pagecache import release
from organizations.models import Organization
from portfolio.choices import Counting, FlowClass, Region, Stage, TransactionType, ValueBasis
from portfolio.filters import ProjectFilter
from portfolio.models import (
    DOCUMENT_CATEGORY_CODELIST,
    CooperationSector,
    Participant,
    Project,
    ProjectSector,
    Transaction,
)
from portfolio.models.state import current_token
from portfolio.querysets import visible_levels
from sources.models import Citation, Claim

CACHE_SECONDS = 3600

ZERO = Decimal('0.00')
NOT_STATED = ''
NOT_STATED_IN_URL = '-'  # how the "not stated" group is addressed in URLs


def key_from_url(key: str) -> str:
    return NOT_STATED if key == NOT_STATED_IN_URL else key


DIMENSIONS = ('stage', 'sector', 'region', 'financier', 'flow', 'year')
# Dimensions of the amounts that make the value, not of the projects
AMOUNT_DIMENSIONS = {'financier': 'provider', 'flow': 'flow_class'}
COUNTED_STAGES = (Stage.COMMITTED, Stage.IMPLEMENTATION, Stage.COMPLETED)  # the headline's


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    projects: int
    value_usd: Decimal
    illustrative_usd: Decimal = ZERO  # of value_usd, from illustrative records
    unconverted: int = 0  # amounts of the group that no rate converts (not in value_usd)


@dataclass(frozen=True)
class Amount:
    """A number of projects and what they hold in USD (of which from illustrative records)."""

    projects: int
    value_usd: Decimal
    illustrative_usd: Decimal = ZERO
    without_amount: int = 0  # of the projects, those that record no commitment or pledge


@dataclass
class Summary:
    total_usd: Decimal
    projects_visible: int
    projects_counted: int
    projects_with_value: int
    projects_without_amount: int
    unconverted_amounts: int
    by_stage: list[Group]
    pipeline: Amount
    not_counted: dict[str, Amount]
    illustrative_usd: Decimal = ZERO
    claims: list[Claim] = field(default_factory=list)
    # Figures of other measures (AidData's official finance): shown with their scope, never compared
    independent: list[Claim] = field(default_factory=list)

    @property
    def excluded(self) -> dict[str, int]:
        """The number of projects of each kind not counted."""
        return {kind: amount.projects for kind, amount in self.not_counted.items() if kind in NOT_COUNTED_PROJECTS}

    @property
    def coverage(self) -> list[tuple[Claim, Decimal]]:
        """Registered total as a share of each announced portfolio figure."""
        return [(claim, self.total_usd / claim.value_usd) for claim in self.claims]

    @property
    def cited_usd(self) -> Decimal:
        """Of the registered total, what records from cited sources hold (not illustrative)."""
        return self.total_usd - self.illustrative_usd

    @property
    def cited_coverage(self) -> list[tuple[Claim, Decimal]]:
        """What records from cited sources hold as a share of each announced figure: the coverage
        that does not count records entered for demonstration."""
        return [(claim, self.cited_usd / claim.value_usd) for claim in self.claims]


# What the headline leaves out, beside it (docs/portfolio-aggregation.md): projects by how they
# are counted, the part of umbrella frameworks their recorded parts do not take up, and money
# disbursed to projects that record no commitment.
NOT_COUNTED_PROJECTS = {
    'umbrellas': Counting.FRAMEWORK,
    'cancelled': Counting.CANCELLED,
    'suspended': Counting.SUSPENDED,
}


def visible_projects(user):
    return Project.objects.visible_to(user)


def cached(user, name: str, compute):
    """Reuse a computation over the projects this user may see until the portfolio next changes.

    The key holds the release (hamkor.pagecache.release: a new one may compute other figures),
    the portfolio's state token (replaced by every write that can change a total) and the
    visibility levels of the user, so users who see the same projects share the result
    and no one is ever served a figure computed over projects they may not see.
    """
    levels = ','.join(sorted(visible_levels(user)))
    key = f'portfolio:{release()}:{current_token()}:{levels}:{name}'
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def summary_stats(user) -> dict:
    """The headline figures, the stage breakdown, the pipeline, what is not counted and the
    illustrative shares in a few aggregate queries (when the cache is cold after a write)."""
    return cached(user, 'summary', lambda: _summary_stats(visible_projects(user)))


def summary(user) -> Summary:
    stats = summary_stats(user)

    def amount(name: str) -> Amount:
        return Amount(
            stats[f'{name}_projects'],
            cents(stats[f'{name}_value']),
            cents(stats[f'{name}_illustrative']),
            stats.get(f'{name}_without_amount', 0),
        )

    return Summary(
        total_usd=cents(stats['total']),
        projects_visible=stats['visible'],
        projects_counted=stats['counted'],
        projects_with_value=stats['with_value'],
        projects_without_amount=stats['without_amount'],
        unconverted_amounts=stats['unconverted'] or 0,
        by_stage=breakdown(user, 'stage'),
        pipeline=amount(Counting.PIPELINE),
        not_counted={
            **{name: amount(counting) for name, counting in NOT_COUNTED_PROJECTS.items()},
            'unallocated': amount('unallocated'),
            'uncommitted_disbursements': amount('uncommitted_disbursements'),
        },
        illustrative_usd=cents(stats['illustrative']),
        claims=list(Claim.objects.filter(metric=Claim.Metric.PORTFOLIO_VALUE).select_related('source')),
        independent=list(Claim.objects.filter(metric=Claim.Metric.OFFICIAL_FINANCE).select_related('source')),
    )


def project_measures(within: Q | None = None) -> dict:
    """What a set of projects holds (of those matching `within`, if given), in the order of a
    breakdown's row (group_rows): projects, value, of which illustrative, amounts not converted."""

    def only(condition: Q) -> Q:
        return within & condition if within is not None else condition

    return {
        'projects': Count('id', filter=within),
        'value': Sum('value_usd', filter=within),
        'illustrative': Sum('value_usd', filter=only(Q(is_illustrative=True))),
        'unconverted': Sum('unconverted_count', filter=within),
    }


def _summary_stats(projects) -> dict:
    headline = Q(counting=Counting.HEADLINE)
    measures = {}
    for counting in (Counting.PIPELINE, *NOT_COUNTED_PROJECTS.values()):
        of_kind = Q(counting=counting)
        measures |= {f'{counting}_{name}': measure for name, measure in project_measures(of_kind).items()}
        measures[f'{counting}_without_amount'] = Count('id', filter=of_kind & Q(value_basis=ValueBasis.NONE))
    for stage in COUNTED_STAGES:
        of_stage = headline & Q(stage=stage)
        measures |= {f'{stage}_{name}': measure for name, measure in project_measures(of_stage).items()}
    stats = projects.aggregate(
        visible=Count('id'),
        counted=Count('id', filter=headline),
        with_value=Count('id', filter=headline & Q(value_usd__isnull=False)),
        without_amount=Count('id', filter=headline & Q(value_basis=ValueBasis.NONE)),
        unconverted=Sum('unconverted_count', filter=headline),
        total=Sum('value_usd', filter=headline),
        illustrative=Sum('value_usd', filter=headline & Q(is_illustrative=True)),
        **measures,
    )
    # The parts of the frameworks the reader sees (who sees an umbrella sees all its parts:
    # PART_LEVELS); a part of a hidden one takes up nothing the reader is shown.
    parts = projects.filter(parent__in=projects.filter(counting=Counting.FRAMEWORK)).aggregate(
        value=Sum('value_usd'), illustrative=Sum('value_usd', filter=Q(is_illustrative=True))
    )
    framework, framework_illustrative = stats['framework_value'], stats['framework_illustrative']
    stats |= {
        'unallocated_projects': stats['framework_projects'],
        'unallocated_value': None if framework is None else framework - (parts['value'] or 0),
        'unallocated_illustrative': None
        if framework_illustrative is None
        else framework_illustrative - (parts['illustrative'] or 0),
    }
    # Money paid out to projects (not cancelled) that record no commitment: not a portfolio value.
    disbursed = Transaction.objects.filter(
        project__in=projects.exclude(counting=Counting.CANCELLED).exclude(value_basis=ValueBasis.COMMITMENTS),
        type=TransactionType.DISBURSEMENT,
        superseded_by__isnull=True,
    ).aggregate(
        projects=Count('project', distinct=True),
        value=Sum('value_usd'),
        illustrative=Sum('value_usd', filter=Q(project__is_illustrative=True)),
    )
    stats |= {f'uncommitted_disbursements_{name}': value for name, value in disbursed.items()}
    return stats


def breakdown(user, dimension: str) -> list[Group]:
    """The headline split by stage, sector, region, financier, flow class or year, largest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f'unknown dimension {dimension!r}; expected one of {", ".join(DIMENSIONS)}')
    if dimension == 'stage':
        stats = summary_stats(user)
        rows = [
            (
                stage, stats[f'{stage}_projects'], stats[f'{stage}_value'], stats[f'{stage}_illustrative'],
                stats[f'{stage}_unconverted'],
            )
            for stage in COUNTED_STAGES
        ]  # fmt: skip
    else:
        rows = cached(user, f'breakdown:{dimension}', lambda: group_rows(visible_projects(user).counted(), dimension))
    labels = group_labels(dimension, [row[0] for row in rows])
    groups = [
        Group(key, labels.get(key, ''), projects, cents(value), cents(illustrative), unconverted or 0)
        for key, projects, value, illustrative, unconverted in rows
    ]
    if dimension == 'stage':
        return groups
    if dimension == 'year':
        return sorted(groups, key=lambda group: group.key or '9999')
    return _ordered(groups)


def group_rows(counted, dimension: str) -> list[tuple[str, int, Decimal | None, Decimal | None, int | None]]:
    """(group key, projects, value, of which illustrative, amounts not converted) for every group
    of a dimension; keys are strings, '' = not stated."""
    of_illustrative = Q(project__is_illustrative=True)
    if dimension == 'sector':
        shares = (
            ProjectSector.objects.filter(project__in=counted)
            .values_list('sector__code')
            .annotate(
                projects=Count('project', distinct=True),
                value=Sum('value_usd'),
                illustrative=Sum('value_usd', filter=of_illustrative),
                unconverted=Sum('project__unconverted_count'),
            )
            .order_by()
        )
        unassigned = counted.filter(sectors__isnull=True).aggregate(**project_measures())
        return [*shares, (NOT_STATED, *unassigned.values())]
    if dimension in AMOUNT_DIMENSIONS:
        rows = (
            Transaction.objects.filter(project__in=counted, counts_in_value=True)
            .values_list(AMOUNT_DIMENSIONS[dimension])
            .annotate(
                projects=Count('project', distinct=True),
                value=Sum('value_usd'),
                illustrative=Sum('value_usd', filter=of_illustrative),
                unconverted=Count('id', filter=Q(value_usd__isnull=True)),
            )
            .order_by()
        )
    else:
        column = {'region': 'region', 'year': 'value_year'}[dimension]
        rows = counted.values_list(column).annotate(**project_measures()).order_by()
    return [(str(key) if key is not None else NOT_STATED, *rest) for key, *rest in rows]


def group_labels(dimension: str, keys: list[str]) -> dict[str, str]:
    """Names of the groups in the reader's language (never cached with the figures)."""
    if dimension == 'stage':
        return {key: str(label) for key, label in Stage.choices}
    if dimension == 'region':
        return {key: str(label) for key, label in Region.choices}
    if dimension == 'sector':
        return {sector.code: sector.name for sector in CooperationSector.objects.all()}
    if dimension == 'flow':
        return {key: str(label) for key, label in FlowClass.choices}
    if dimension == 'financier':
        ids = [int(key) for key in keys if key]
        return {str(org.pk): org.name for org in Organization.objects.filter(pk__in=ids)}
    return {key: key for key in keys}


@dataclass(frozen=True)
class YearOfMoney:
    """What the counted projects committed (the amounts that make their value) and disbursed
    in one year of value date, in USD, with the part from illustrative records."""

    year: int
    committed_usd: Decimal
    disbursed_usd: Decimal
    committed_illustrative_usd: Decimal = ZERO
    disbursed_illustrative_usd: Decimal = ZERO


DISBURSEMENT_TYPES = (TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE)


def money_by_year(user) -> list[YearOfMoney]:
    """Commitments and disbursements of the registered total's projects by year, oldest first:
    the amounts that make the value (counts_in_value) beside the current disbursements and
    expenditures; amounts no rate converts are in neither (they are counted on the dashboard)."""

    def compute():
        counted = visible_projects(user).counted()
        of_illustrative = Q(project__is_illustrative=True)
        committed = Q(counts_in_value=True)
        disbursed = Q(type__in=DISBURSEMENT_TYPES, superseded_by__isnull=True)
        return list(
            Transaction.objects.filter(project__in=counted, value_usd__isnull=False)
            .filter(committed | disbursed)
            .annotate(year=ExtractYear('value_date'))
            .values('year')
            .annotate(
                committed=Sum('value_usd', filter=committed),
                disbursed=Sum('value_usd', filter=disbursed),
                committed_illustrative=Sum('value_usd', filter=committed & of_illustrative),
                disbursed_illustrative=Sum('value_usd', filter=disbursed & of_illustrative),
            )
            .values_list('year', 'committed', 'disbursed', 'committed_illustrative', 'disbursed_illustrative')
            .order_by('year')
        )

    return [YearOfMoney(int(year), *(cents(value) for value in values))
            for year, *values in cached(user, 'money-by-year', compute)]  # fmt: skip


def located_projects(user) -> list[Project]:
    """The registered total's projects that record coordinates, for the map."""
    return list(
        visible_projects(user)
        .counted()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .only('pk', 'identifier', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'latitude', 'longitude')
        .order_by('identifier')
    )


def cents(value) -> Decimal:
    """Sums come back from SQLite with float noise in the last places; money is in cents."""
    return Decimal(value).quantize(ZERO) if value is not None else ZERO


def _ordered(groups: list[Group]) -> list[Group]:
    return sorted(
        (group for group in groups if group.projects),
        key=lambda group: (group.key == NOT_STATED, -group.value_usd, group.label),
    )


def find_group(user, dimension: str, key: str) -> Group | None:
    """The group of a breakdown with this key, or None (unknown dimension or key)."""
    if dimension not in DIMENSIONS:
        return None
    return next((group for group in breakdown(user, dimension) if group.key == key), None)


@dataclass(frozen=True)
class Contribution:
    project: Project
    value_usd: Decimal | None
    unconverted: int = 0  # of the project's amounts in the group, those no rate converts


def drill_down(user, dimension: str, key: str) -> list[Contribution]:
    """The records that make one group of a breakdown, with what each contributes.

    The contributions add up to the group's value."""
    counted = visible_projects(user).counted()

    def of_projects(projects) -> list[Contribution]:
        return [
            Contribution(p, p.value_usd, p.unconverted_count) for p in projects.order_by('-value_usd', 'identifier')
        ]

    if dimension == 'stage':
        return of_projects(counted.filter(stage=key))
    if dimension == 'region':
        return of_projects(counted.filter(region=key))
    if dimension == 'year':
        return of_projects(counted.filter(value_year=int(key)) if key else counted.filter(value_year__isnull=True))
    if dimension == 'sector':
        if key == NOT_STATED:
            return of_projects(counted.filter(sectors__isnull=True))
        shares = ProjectSector.objects.filter(project__in=counted, sector__code=key).select_related('project')
        return [
            Contribution(share.project, share.value_usd, share.project.unconverted_count)
            for share in shares.order_by('-value_usd', 'project__identifier')
        ]
    if dimension in AMOUNT_DIMENSIONS:
        transactions = Transaction.objects.filter(project__in=counted, counts_in_value=True)
        if dimension == 'flow':
            transactions = transactions.filter(flow_class=key)
        elif key == NOT_STATED:
            transactions = transactions.filter(provider__isnull=True)
        else:
            transactions = transactions.filter(provider_id=int(key))
        totals = (
            transactions.values('project')
            .annotate(value=Sum('value_usd'), unconverted=Count('id', filter=Q(value_usd__isnull=True)))
            .order_by(F('value').desc(nulls_last=True), 'project')
        )
        projects = Project.objects.in_bulk([row['project'] for row in totals])
        return [
            Contribution(
                projects[row['project']], None if row['value'] is None else cents(row['value']), row['unconverted']
            )
            for row in totals
        ]
    raise ValueError(f'unknown dimension {dimension!r}')


def organization_projects(user, organization):
    """The projects `user` may see in which `organization` takes part or finances an amount
    (a part of the organization's page, registered in apps.py), each with what the organization
    finances of its value (`financed_usd`)."""
    takes_part = Exists(Participant.objects.filter(project=OuterRef('pk'), organization=organization))
    finances = Transaction.objects.filter(project=OuterRef('pk'), provider=organization)
    financed = (
        finances.filter(counts_in_value=True)
        .order_by()
        .values('project')
        .annotate(total=Sum('value_usd'))
        .values('total')
    )
    return (
        Project.objects.visible_to(user)
        .filter(takes_part | Exists(finances))
        .annotate(financed_usd=Subquery(financed))
        .order_by('identifier')
    )


#
# Projects: the list (page, API, download) and one project's page
#


def project_filter(user, params) -> ProjectFilter:
    """The projects of the list page and of its download: those `user` may see that match `params`
    (ProjectFilter, which the API applies to `list_projects` too)."""
    return ProjectFilter(params, queryset=visible_projects(user).with_visible_parent(user))


def list_projects(projects: QuerySet) -> QuerySet:
    """`projects` with what a list shows of each, in one query per page for all their sectors."""
    return projects.select_related('parent').prefetch_related(
        Prefetch('sectors', ProjectSector.objects.select_related('sector'))
    )


@dataclass
class ProjectPage:
    """A project and everything its page shows, each part limited to what the reader may see."""

    project: Project
    parent: Project | None  # None also where the parent is hidden from the reader
    sectors: QuerySet
    participants: QuerySet
    countries: QuerySet
    transactions: QuerySet
    children: QuerySet
    linked: QuerySet
    milestones: QuerySet
    budgets: QuerySet
    planned_disbursements: QuerySet
    documents: QuerySet
    status_changes: QuerySet
    citations: QuerySet
    history: QuerySet | None  # the change log, for those who may read it


def project_page(user, pk: int) -> ProjectPage:
    """Raises Project.DoesNotExist for a project `user` may not see, as for one that does not exist."""
    project = visible_projects(user).select_related('parent').get(pk=pk)
    category_name = CodelistItem.objects.filter(codelist__name=DOCUMENT_CATEGORY_CODELIST, code=OuterRef('category'))
    return ProjectPage(
        project=project,
        parent=project.parent_for(user),
        sectors=project.sectors.select_related('sector'),
        participants=project.participants.select_related('organization__country', 'country'),
        countries=project.countries.select_related('country'),
        transactions=project.transactions.select_related('provider', 'currency', 'superseded_by'),
        children=project.children.visible_to(user),
        linked=project.linked.visible_to(user),
        milestones=project.milestones.all(),
        budgets=project.budgets.all(),
        planned_disbursements=project.planned_disbursements.select_related('provider', 'receiver'),
        documents=project.documents.select_related('source').annotate(
            category_name=Subquery(category_name.values('name_en')[:1])
        ),
        status_changes=project.status_changes.select_related('actor'),
        citations=Citation.objects.for_record(project),
        history=ObjectChange.objects.for_record(project) if user.has_perm('core.view_objectchange') else None,
    )
