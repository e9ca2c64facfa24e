"""The aggregation rules of the portfolio (docs/portfolio-aggregation.md), applied once, when
records change, into real columns that every total then sums:

- a project's stage follows its status; cancelled and suspended projects, and umbrella
  agreements whose parts are recorded as child projects, do not count in aggregates;
- a project's value is the sum of its current commitments in USD, or, when it has none, of its
  current pledges; a superseded amount (replaced by a revision) never counts;
- an amount that cannot be converted to USD is counted as "not converted", never as zero;
- the value is allocated to sectors by the percentage split in whole cents (largest
  remainder), so that sector totals add up exactly to the portfolio total.
"""

from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from portfolio.choices import COMMITMENT_TYPES, PLEDGE_TYPES, STAGE_OF_STATUS, ProjectStatus, ValueBasis
from portfolio.models import Project, ProjectSector, Transaction
from portfolio.models.state import replace_token

CENT = Decimal('0.01')
EXCLUDED_STATUSES = (ProjectStatus.CANCELLED, ProjectStatus.SUSPENDED)
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
    replace_token()


def _refresh_batch(ids: list[int]) -> None:
    """Set-based UPDATEs (which amounts count, then the project columns that follow from
    them), then the sector split, which needs exact decimal arithmetic, in Python."""
    current = Transaction.objects.filter(project_id=OuterRef('project_id'), superseded_by__isnull=True)
    has_commitment = Exists(current.filter(type__in=COMMITMENT_TYPES))
    counts = Q(superseded_by__isnull=True) & (
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
        in_aggregates=Case(
            When(status__in=EXCLUDED_STATUSES, then=False),
            When(Q(is_umbrella=True) & Exists(Project.objects.filter(parent_id=OuterRef('pk'))), then=False),
            default=True,
        ),
        value_basis=Case(
            When(Exists(own_current.filter(type__in=COMMITMENT_TYPES)), then=Value(ValueBasis.COMMITMENTS)),
            When(Exists(own_current.filter(type__in=PLEDGE_TYPES)), then=Value(ValueBasis.PLEDGES)),
            default=Value(ValueBasis.NONE),
        ),
        value_usd=of_counted(Sum('value_usd')),
        unconverted_count=Coalesce(of_counted(Count('id', filter=Q(value_usd__isnull=True))), 0),
        value_year=of_counted(Min(ExtractYear('value_date'))),
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
