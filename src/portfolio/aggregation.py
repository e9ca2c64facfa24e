"""The aggregation rules of the portfolio (docs/portfolio-aggregation.md), applied once, when
records change, into real columns that every total then sums:

- a project's stage follows its status, and how it is counted (`counting`) follows its stage:
  committed, in implementation and completed projects make the registered total, proposals and
  negotiations the pipeline beside it; cancelled and suspended projects, and umbrella agreements
  whose parts are recorded as child projects, are not counted (their parts are);
- a project's value is the sum of its current commitments in USD, or, when it has none, of its
  current pledges; a superseded amount (replaced by a revision) never counts, nor does an
  outgoing commitment that passes on (on-lends) an incoming one, which counts already;
- a project that is not an umbrella and its parts never both carry value (refused: the same
  money would be counted at two levels);
- an amount that cannot be converted to USD is counted as "not converted", never as zero;
- the value is allocated to sectors by the percentage split in whole cents (largest
  remainder), so that sector totals add up exactly to the portfolio total.
"""

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from portfolio.choices import (
    COMMITMENT_TYPES,
    PLEDGE_TYPES,
    STAGE_OF_STATUS,
    Counting,
    ProjectStatus,
    Stage,
    ValueBasis,
)
from portfolio.models import Project, ProjectSector, Transaction
from portfolio.models.state import replace_token

CENT = Decimal('0.01')
PIPELINE_STATUSES = tuple(status for status, stage in STAGE_OF_STATUS.items() if stage == Stage.PIPELINE)
BATCH = 2000
LARGE_REFRESH = 5000  # projects; from here on, fresh planner statistics pay for themselves


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in whole cents in proportion to `weights`, largest remainders first."""
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        return []
    cents = int((total / CENT).to_integral_value())
    exact = [Decimal(cents) * weight / weight_sum for weight in weights]
    floors = [int(share.to_integral_value(rounding=ROUND_FLOOR)) for share in exact]
    remainder = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda index: (floors[index] - exact[index], index))
    for index in order[:remainder]:
        floors[index] += 1
    return [Decimal(value) * CENT for value in floors]


@transaction.atomic
def refresh_projects(project_ids) -> None:
    """Recompute the derived aggregate columns of these projects (and of their parents, whose
    counting depends on whether they have children)."""
    ids = set(project_ids)
    ids |= set(Project.objects.filter(pk__in=ids, parent__isnull=False).values_list('parent_id', flat=True))
    ids = sorted(ids)
    if len(ids) >= LARGE_REFRESH and connection.vendor == 'postgresql':
        # After a bulk load the planner still has the statistics of the tables before it and
        # runs the correlated subqueries below as scans (a 100,000-project refresh took 376 s
        # instead of 78 s). ANALYZE samples this transaction's own new rows too.
        tables = (Project, Transaction, ProjectSector)
        with connection.cursor() as cursor:
            cursor.execute('ANALYZE ' + ', '.join(connection.ops.quote_name(t._meta.db_table) for t in tables))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH])
    refuse_negative_values(ids)
    refuse_value_at_two_levels(ids)
    replace_token()


def refuse_negative_values(ids) -> None:
    """Reversals take back what was committed (or pledged), never more: a project's value below
    zero is refused, with the amounts that make it."""
    negative = Project.objects.filter(value_usd__lt=0)
    if len(ids) < LARGE_REFRESH:
        negative = negative.filter(pk__in=ids)
    project = negative.order_by('pk').first()
    if project is not None:
        raise ValidationError(
            _(
                'The %(basis)s of %(project)s add up to less than zero (%(value)s USD): a reversal may not '
                'take back more than was recorded.'
            )
            % {
                'basis': project.get_value_basis_display().lower(),
                'project': project.identifier,
                'value': f'{project.value_usd:,}',
            },
            code='negative_value',
        )


def refuse_value_at_two_levels(ids) -> None:
    """A project that is not an umbrella counts with its own value; if one of its parts (at any
    depth) carries value too, the same money would be counted twice, or the parts' shares
    lost: refused, so the writer makes the whole an umbrella (its parts counted, not it) or
    records the money at one level. The message names the projects written (`ids`) only."""
    ids = set(ids)
    wholes = Project.objects.filter(is_umbrella=False, children__isnull=False).exclude(value_basis=ValueBasis.NONE)
    if len(ids) < LARGE_REFRESH:  # the written projects' families; a large refresh checks them all
        family, frontier = set(ids), set(ids)
        while frontier:  # the wholes of the written projects, up to the top
            frontier = (
                set(Project.objects.filter(pk__in=frontier, parent__isnull=False).values_list('parent_id', flat=True))
                - family
            )
            family |= frontier
        wholes = wholes.filter(pk__in=family)
    for whole in wholes.distinct().order_by('pk'):
        parts = set(whole.children.values_list('pk', flat=True))
        seen = set()
        while parts:
            valued = Project.objects.filter(pk__in=parts).exclude(value_basis=ValueBasis.NONE).order_by('pk').first()
            if valued is not None:
                raise ValidationError(_double_count_message(whole, valued, ids), code='value_at_two_levels')
            seen |= parts
            parts = set(Project.objects.filter(parent_id__in=parts).values_list('pk', flat=True)) - seen


def _double_count_message(whole: Project, part: Project, written: set) -> str:
    if part.pk in written or whole.pk not in written:
        return _(
            '%(project)s carries an amount, and so does a project it is part of, which is not an umbrella '
            'agreement: the same money would be counted twice. Mark the whole as an umbrella agreement (its '
            'parts are counted, it is not), or record the money on one of them only.'
        ) % {'project': part.identifier}
    return _(
        '%(project)s carries an amount, and so does one of its parts, but it is not an umbrella agreement: '
        'the same money would be counted twice. Mark it as an umbrella agreement (its parts are counted, it '
        'is not), or record the money on one of them only.'
    ) % {'project': whole.identifier}


def _refresh_batch(ids: list[int]) -> None:
    """Set-based UPDATEs (which amounts count, then the project columns that follow from
    them), then the sector split, which needs exact decimal arithmetic, in Python."""
    current = Transaction.objects.filter(project_id=OuterRef('project_id'), superseded_by__isnull=True)
    has_commitment = Exists(current.filter(type__in=COMMITMENT_TYPES))
    counts = Q(superseded_by__isnull=True, passes_on__isnull=True) & (
        Q(type__in=COMMITMENT_TYPES) | (Q(type__in=PLEDGE_TYPES) & ~has_commitment)
    )
    # Only the rows whose flag changes are written (a row written is a new row version and an
    # entry in every index on PostgreSQL).
    in_batch = Transaction.objects.filter(project_id__in=ids)
    in_batch.filter(counts, counts_in_value=False).update(counts_in_value=True)
    in_batch.filter(~counts, counts_in_value=True).update(counts_in_value=False)

    def of_counted(aggregate):
        counted = Transaction.objects.filter(project_id=OuterRef('pk'), counts_in_value=True).order_by()
        return Subquery(counted.values('project_id').annotate(result=aggregate).values('result'))

    own_current = Transaction.objects.filter(project_id=OuterRef('pk'), superseded_by__isnull=True)
    Project.objects.filter(pk__in=ids).update(
        stage=Case(*(When(status=status, then=Value(stage)) for status, stage in STAGE_OF_STATUS.items())),
        counting=Case(
            When(status=ProjectStatus.CANCELLED, then=Value(Counting.CANCELLED)),
            When(status=ProjectStatus.SUSPENDED, then=Value(Counting.SUSPENDED)),
            When(
                Q(is_umbrella=True) & Exists(Project.objects.filter(parent_id=OuterRef('pk'))),
                then=Value(Counting.FRAMEWORK),
            ),
            When(status__in=PIPELINE_STATUSES, then=Value(Counting.PIPELINE)),
            default=Value(Counting.HEADLINE),
        ),
        value_basis=Case(
            When(Exists(own_current.filter(type__in=COMMITMENT_TYPES)), then=Value(ValueBasis.COMMITMENTS)),
            When(Exists(own_current.filter(type__in=PLEDGE_TYPES)), then=Value(ValueBasis.PLEDGES)),
            default=Value(ValueBasis.NONE),
        ),
        value_usd=of_counted(Sum('value_usd')),
        unconverted_count=Coalesce(of_counted(Count('id', filter=Q(value_usd__isnull=True))), 0),
        # the earliest amount that adds to the value: converted, and not zero
        value_year=of_counted(Min(ExtractYear('value_date'), filter=Q(value_usd__isnull=False) & ~Q(value=0))),
    )

    values = dict(Project.objects.filter(pk__in=ids).values_list('pk', 'value_usd'))
    shares_of = defaultdict(list)
    shares = ProjectSector.objects.filter(project_id__in=ids).order_by('project_id', 'id')
    for pk, project_id, percentage, current in shares.values_list('pk', 'project_id', 'percentage', 'value_usd'):
        shares_of[project_id].append((pk, percentage, current))
    changed = []
    for project_id, project_shares in shares_of.items():
        value = values[project_id]
        weights = [percentage for _, percentage, _ in project_shares]
        amounts = allocate(value, weights) if value else [None] * len(project_shares)
        changed.extend(
            (amount, pk) for (pk, _, current), amount in zip(project_shares, amounts, strict=True) if current != amount
        )
    # One prepared UPDATE run for every changed share: bulk_update's CASE expression with a
    # branch per row costs time that grows with the square of the batch.
    table = connection.ops.quote_name(ProjectSector._meta.db_table)
    column = ProjectSector._meta.get_field('value_usd')
    rows = [(column.get_db_prep_save(amount, connection), pk) for amount, pk in changed]
    with connection.cursor() as cursor:
        cursor.executemany(f'UPDATE {table} SET value_usd = %s WHERE id = %s', rows)
