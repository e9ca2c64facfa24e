"""An edit of what no total reads (a title, a description, dates) does not recompute the derived
aggregate columns, which the busiest write of the portfolio (a rename) would otherwise pay for;
every edit still replaces the portfolio state token, by which an import sees a write made while
it was being prepared (portfolio.services.bulk)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamkor.permissions import SYSTEM
from portfolio import services
from portfolio.models import Project, Transaction
from portfolio.models.state import current_token

pytestmark = pytest.mark.django_db


def edit(project: Project, **values) -> tuple[Project, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        services.update_project(project=project, actor=SYSTEM, **values)
    return Project.objects.get(pk=project.pk), [query['sql'] for query in queries.captured_queries]


def test_a_rename_keeps_the_totals_without_reading_the_amounts_and_replaces_the_state_token(make_project):
    project = make_project('E-1', status='implementation', money=[('11', '2500000', 'USD', '2024-02-01')])
    token = current_token()

    renamed, queries = edit(project, title_en='Renamed', planned_start=datetime.date(2025, 1, 1))

    amounts_table = Transaction._meta.db_table
    assert [sql for sql in queries if amounts_table in sql] == []
    assert (renamed.title_en, renamed.value_usd, renamed.in_aggregates) == ('Renamed', Decimal('2500000.00'), True)
    assert current_token() != token


def test_an_edit_the_aggregates_read_recomputes_them(make_project):
    parent = make_project(
        'E-UMB', status='agreement_signed', is_umbrella=True, money=[('11', '9000000', 'USD', '2024-02-01')]
    )
    child = make_project('E-PART', status='agreement_signed', money=[('11', '1000000', 'USD', '2024-02-01')])
    assert Project.objects.get(pk=parent.pk).in_aggregates is True

    edit(child, parent=parent)

    # An umbrella whose part is recorded leaves the aggregates (docs/portfolio-aggregation.md).
    assert Project.objects.get(pk=parent.pk).in_aggregates is False
