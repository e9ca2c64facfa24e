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

from django.db import transaction
from django.db.models import Count

from portfolio.choices import COMMITMENT_TYPES, PLEDGE_TYPES, STAGE_OF_STATUS, ProjectStatus, ValueBasis
from portfolio.models import Project, ProjectSector, Transaction
from portfolio.state import replace_token

CENT = Decimal('0.01')
EXCLUDED_STATUSES = (ProjectStatus.CANCELLED, ProjectStatus.SUSPENDED)
BATCH = 2000


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


def choose_value(transactions: list[Transaction]) -> tuple[str, list[Transaction]]:
    current = [tx for tx in transactions if tx.superseded_by_id is None]
    commitments = [tx for tx in current if tx.type in COMMITMENT_TYPES]
    if commitments:
        return ValueBasis.COMMITMENTS, commitments
    pledges = [tx for tx in current if tx.type in PLEDGE_TYPES]
    if pledges:
        return ValueBasis.PLEDGES, pledges
    return ValueBasis.NONE, []


@transaction.atomic
def refresh_projects(project_ids) -> None:
    """Recompute the derived aggregate columns of these projects (and of their parents, whose
    counting depends on whether they have children)."""
    ids = set(project_ids)
    ids |= set(Project.objects.filter(pk__in=ids, parent__isnull=False).values_list('parent_id', flat=True))
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH])
    replace_token()


def _refresh_batch(ids: list[int]) -> None:
    projects = list(Project.objects.filter(pk__in=ids).annotate(child_count=Count('children')))
    transactions = defaultdict(list)
    for tx in Transaction.objects.filter(project_id__in=ids).only(
        'id', 'project_id', 'type', 'value_usd', 'value_date', 'superseded_by_id', 'counts_in_value'
    ):
        transactions[tx.project_id].append(tx)
    sectors = defaultdict(list)
    for share in ProjectSector.objects.filter(project_id__in=ids).order_by('project_id', 'id'):
        sectors[share.project_id].append(share)

    counting, not_counting, changed_sectors = [], [], []
    for project in projects:
        basis, chosen = choose_value(transactions[project.pk])
        chosen_ids = {tx.pk for tx in chosen}
        for tx in transactions[project.pk]:
            counts = tx.pk in chosen_ids
            if tx.counts_in_value != counts:
                (counting if counts else not_counting).append(tx.pk)
        converted = [tx.value_usd for tx in chosen if tx.value_usd is not None]
        project.value_basis = basis
        project.value_usd = sum(converted, Decimal('0.00')) if converted else None
        project.unconverted_count = len(chosen) - len(converted)
        project.value_year = min(tx.value_date for tx in chosen).year if chosen else None
        project.stage = STAGE_OF_STATUS[project.status]
        project.in_aggregates = project.status not in EXCLUDED_STATUSES and not (
            project.is_umbrella and project.child_count
        )
        shares = sectors[project.pk]
        amounts = allocate(project.value_usd, [share.percentage for share in shares]) if project.value_usd else []
        for index, share in enumerate(shares):
            share.value_usd = amounts[index] if amounts else None
            changed_sectors.append(share)

    Project.objects.bulk_update(
        projects, ['stage', 'in_aggregates', 'value_usd', 'value_basis', 'value_year', 'unconverted_count'], BATCH
    )
    # Plain UPDATEs rather than bulk_update's CASE per row: the flag has only two values
    # (in slices that stay within every database's limit on query parameters).
    for flag, ids in ((True, counting), (False, not_counting)):
        for start in range(0, len(ids), 900):
            Transaction.objects.filter(pk__in=ids[start : start + 900]).update(counts_in_value=flag)
    ProjectSector.objects.bulk_update(changed_sectors, ['value_usd'], BATCH)
