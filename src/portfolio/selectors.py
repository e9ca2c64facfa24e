"""Portfolio totals, breakdowns and their drill-downs, always computed over the projects the
reader may see. Every breakdown adds up exactly to the headline (a group "not stated" holds
what has no sector, region, financier or year)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from portfolio.choices import Region, Stage, ValueBasis
from portfolio.models import CooperationSector, Organization, Project, ProjectSector, Transaction
from sources.models import Claim

ZERO = Decimal('0.00')
NOT_STATED = ''
NOT_STATED_IN_URL = '-'  # how the "not stated" group is addressed in URLs


def key_from_url(key: str) -> str:
    return NOT_STATED if key == NOT_STATED_IN_URL else key


DIMENSIONS = ('stage', 'sector', 'region', 'financier', 'year')
COUNTED_STAGES = (Stage.PIPELINE, Stage.COMMITTED, Stage.IMPLEMENTATION, Stage.COMPLETED)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    projects: int
    value_usd: Decimal


@dataclass
class Summary:
    total_usd: Decimal
    projects_visible: int
    projects_counted: int
    projects_with_value: int
    projects_without_amount: int
    unconverted_amounts: int
    by_stage: list[Group]
    excluded: dict[str, int]
    claims: list[Claim] = field(default_factory=list)

    @property
    def coverage(self) -> list[tuple[Claim, Decimal]]:
        """Registered total as a share of each announced portfolio figure."""
        return [(claim, self.total_usd / claim.value_usd) for claim in self.claims]


def visible_projects(user):
    return Project.objects.visible_to(user)


def summary(user) -> Summary:
    projects = visible_projects(user)
    stats = projects.aggregate(
        visible=Count('id'),
        counted=Count('id', filter=Q(in_aggregates=True)),
        with_value=Count('id', filter=Q(in_aggregates=True, value_usd__isnull=False)),
        without_amount=Count('id', filter=Q(in_aggregates=True, value_basis=ValueBasis.NONE)),
        unconverted=Sum('unconverted_count', filter=Q(in_aggregates=True)),
        total=Sum('value_usd', filter=Q(in_aggregates=True)),
        cancelled=Count('id', filter=Q(stage=Stage.CANCELLED)),
        suspended=Count('id', filter=Q(stage=Stage.SUSPENDED)),
        umbrellas=Count(
            'id', filter=Q(in_aggregates=False, is_umbrella=True) & ~Q(stage__in=[Stage.CANCELLED, Stage.SUSPENDED])
        ),
    )
    return Summary(
        total_usd=cents(stats['total']),
        projects_visible=stats['visible'],
        projects_counted=stats['counted'],
        projects_with_value=stats['with_value'],
        projects_without_amount=stats['without_amount'],
        unconverted_amounts=stats['unconverted'] or 0,
        by_stage=breakdown(user, 'stage'),
        excluded={'cancelled': stats['cancelled'], 'suspended': stats['suspended'], 'umbrellas': stats['umbrellas']},
        claims=list(Claim.objects.filter(metric=Claim.Metric.PORTFOLIO_VALUE).select_related('source')),
    )


def breakdown(user, dimension: str) -> list[Group]:
    """The headline split by stage, sector, region, financier or year, largest first."""
    counted = visible_projects(user).counted()
    if dimension == 'stage':
        rows = counted.values('stage').annotate(projects=Count('id'), value=Sum('value_usd')).order_by()
        labels = dict(Stage.choices)
        groups = {row['stage']: (row['projects'], row['value']) for row in rows}
        return [
            Group(stage, str(labels[stage]), *_group_values(*groups.get(stage, (0, None)))) for stage in COUNTED_STAGES
        ]
    if dimension == 'sector':
        rows = (
            ProjectSector.objects.filter(project__in=counted)
            .values('sector__code')
            .annotate(projects=Count('project', distinct=True), value=Sum('value_usd'))
            .order_by()
        )
        names = {sector.code: sector.name for sector in CooperationSector.objects.all()}
        groups = [
            Group(row['sector__code'], names[row['sector__code']], *_group_values(row['projects'], row['value']))
            for row in rows
        ]
        unassigned = counted.filter(sectors__isnull=True).aggregate(projects=Count('id'), value=Sum('value_usd'))
        groups.append(Group(NOT_STATED, '', *_group_values(unassigned['projects'], unassigned['value'])))
        return _ordered(groups)
    if dimension == 'region':
        rows = counted.values('region').annotate(projects=Count('id'), value=Sum('value_usd')).order_by()
        labels = dict(Region.choices)
        return _ordered(
            [
                Group(row['region'], str(labels.get(row['region'], '')), *_group_values(row['projects'], row['value']))
                for row in rows
            ]
        )
    if dimension == 'year':
        rows = counted.values('value_year').annotate(projects=Count('id'), value=Sum('value_usd')).order_by()
        return sorted(
            (
                Group(
                    str(row['value_year'] or ''),
                    str(row['value_year'] or ''),
                    *_group_values(row['projects'], row['value']),
                )
                for row in rows
            ),
            key=lambda group: group.key or '9999',
        )
    if dimension == 'financier':
        rows = (
            Transaction.objects.filter(project__in=counted, counts_in_value=True, value_usd__isnull=False)
            .values('provider')
            .annotate(projects=Count('project', distinct=True), value=Sum('value_usd'))
            .order_by()
        )
        names = {
            org.pk: org.name
            for org in Organization.objects.filter(pk__in=[row['provider'] for row in rows if row['provider']])
        }
        return _ordered(
            [
                Group(
                    str(row['provider'] or ''),
                    names.get(row['provider'], ''),
                    *_group_values(row['projects'], row['value']),
                )
                for row in rows
            ]
        )
    raise ValueError(f'unknown dimension {dimension!r}; expected one of {", ".join(DIMENSIONS)}')


def _group_values(projects: int, value) -> tuple[int, Decimal]:
    return projects, cents(value)


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


def drill_down(user, dimension: str, key: str) -> list[Contribution]:
    """The records that make one group of a breakdown, with what each contributes.

    The contributions add up to the group's value."""
    counted = visible_projects(user).counted()
    if dimension == 'stage':
        projects = counted.filter(stage=key)
        return [Contribution(p, p.value_usd) for p in projects.order_by('-value_usd', 'identifier')]
    if dimension == 'region':
        return [Contribution(p, p.value_usd) for p in counted.filter(region=key).order_by('-value_usd', 'identifier')]
    if dimension == 'year':
        projects = counted.filter(value_year=int(key)) if key else counted.filter(value_year__isnull=True)
        return [Contribution(p, p.value_usd) for p in projects.order_by('-value_usd', 'identifier')]
    if dimension == 'sector':
        if key == NOT_STATED:
            return [
                Contribution(p, p.value_usd)
                for p in counted.filter(sectors__isnull=True).order_by('-value_usd', 'identifier')
            ]
        shares = ProjectSector.objects.filter(project__in=counted, sector__code=key).select_related('project')
        return [
            Contribution(share.project, share.value_usd)
            for share in shares.order_by('-value_usd', 'project__identifier')
        ]
    if dimension == 'financier':
        transactions = Transaction.objects.filter(project__in=counted, counts_in_value=True, value_usd__isnull=False)
        transactions = (
            transactions.filter(provider__isnull=True)
            if key == NOT_STATED
            else transactions.filter(provider_id=int(key))
        )
        totals = transactions.values('project').annotate(value=Sum('value_usd')).order_by('-value')
        projects = Project.objects.in_bulk([row['project'] for row in totals])
        return [Contribution(projects[row['project']], cents(row['value'])) for row in totals]
    raise ValueError(f'unknown dimension {dimension!r}')


def illustrative_total(user) -> Decimal:
    """How much of the headline comes from illustrative (demonstration) records."""
    return cents(
        visible_projects(user).counted().filter(is_illustrative=True).aggregate(total=Sum('value_usd'))['total']
    )
