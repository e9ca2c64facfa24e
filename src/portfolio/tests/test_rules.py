"""The aggregation rules and the validation of portfolio writes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import Currency
from hamkor.permissions import SYSTEM
from portfolio import selectors, services
from portfolio.aggregation import allocate
from portfolio.models import Project, StatusChange

pytestmark = pytest.mark.django_db

COMMITMENT, PLEDGE, DISBURSEMENT = '11', '13', '3'


def test_value_is_current_commitments_in_usd_at_the_value_date(make_project):
    project = make_project(
        'P-1',
        status='implementation',
        money=[(COMMITMENT, '2800000000', 'CNY', '2023-05-10'), (DISBURSEMENT, '900000000', 'CNY', '2024-04-02')],
    )

    # 2,800,000,000 CNY / 6.9854 (FRED, May 2023)
    tx = project.transactions.get(type=COMMITMENT)
    assert (tx.value_usd, tx.fx_rate.normalize()) == (Decimal('400836029.43'), Decimal('6.9854'))
    assert (project.value_usd, project.value_basis, project.value_year) == (
        Decimal('400836029.43'),
        'commitments',
        2023,
    )
    assert (project.stage, project.in_aggregates) == ('implementation', True)


def test_pledges_count_only_without_commitments_and_revisions_replace(make_project):
    project = make_project('P-2', money=[(PLEDGE, '300000000', 'USD', '2024-09-12')])
    first = project.transactions.get()

    services.add_transaction(actor=SYSTEM,
        project=project, supersedes=first, type=PLEDGE, value=Decimal('350000000'),
        currency=Currency.objects.get(code='USD'), value_date=datetime.date(2025, 2, 20),
    )  # fmt: skip
    project.refresh_from_db()
    assert (project.value_usd, project.value_basis) == (Decimal('350000000.00'), 'pledges')

    services.add_transaction(actor=SYSTEM,
        project=project, type=COMMITMENT, value=Decimal('120000000'), currency=Currency.objects.get(code='USD'),
        value_date=datetime.date(2025, 6, 1),
    )  # fmt: skip
    project.refresh_from_db()
    assert (project.value_usd, project.value_basis) == (Decimal('120000000.00'), 'commitments')
    assert list(project.transactions.filter(counts_in_value=True).values_list('value', flat=True)) == [
        Decimal('120000000.00')
    ]


def test_an_amount_without_a_rate_is_flagged_not_counted_as_zero(make_project):
    project = make_project('P-3', status='agreement_signed', money=[(COMMITMENT, '40000000', 'UZS', '2005-03-01')])

    tx = project.transactions.get()
    assert (tx.value_usd, tx.fx_rate) == (None, None)
    assert tx.fx_note.startswith('No UZS per USD rate covers 2005-03-01')
    assert (project.value_usd, project.unconverted_count) == (None, 1)
    assert selectors.summary(None).unconverted_amounts == 1


def test_umbrella_counts_only_until_its_parts_are_recorded(make_project):
    umbrella = make_project(
        'FRAME', status='agreement_signed', is_umbrella=True, money=[(COMMITMENT, '5000000000', 'USD', '2023-10-18')]
    )
    assert Project.objects.get(pk=umbrella.pk).in_aggregates is True

    make_project(
        'PART', status='agreement_signed', parent=umbrella, money=[(COMMITMENT, '400000000', 'USD', '2023-11-01')]
    )

    assert Project.objects.get(pk=umbrella.pk).in_aggregates is False
    assert selectors.summary(None).total_usd == Decimal('400000000.00')


def test_cancelled_and_suspended_projects_are_not_counted(make_project):
    make_project('C', status='cancelled', money=[(COMMITMENT, '200000000', 'USD', '2021-07-07')])
    make_project('S', status='suspended', money=[(COMMITMENT, '100000000', 'USD', '2021-07-07')])
    make_project('OK', status='agreement_signed', money=[(COMMITMENT, '50000000', 'USD', '2021-07-07')])

    summary = selectors.summary(None)
    assert (summary.total_usd, summary.projects_counted, summary.excluded) == (
        Decimal('50000000.00'),
        1,
        {'cancelled': 1, 'suspended': 1, 'umbrellas': 0},
    )


def test_sector_split_allocates_whole_cents_that_add_up(make_project):
    project = make_project(
        'P-4',
        split={'mining': '33.33', 'geology': '33.33', 'chemistry': '33.34'},
        money=[(COMMITMENT, '100.00', 'USD', '2024-01-01')],
    )

    assert sorted(project.sectors.values_list('value_usd', flat=True)) == [
        Decimal('33.33'),
        Decimal('33.33'),
        Decimal('33.34'),
    ]
    assert allocate(Decimal('0.05'), [Decimal(1), Decimal(1)]) == [Decimal('0.03'), Decimal('0.02')]


def test_every_breakdown_and_its_drill_downs_add_up_to_the_total(make_project, bank):
    make_project('A', status='implementation', split={'mining': 60, 'geology': 40}, region='UZ-NW',
                 money=[(COMMITMENT, '450000000', 'USD', '2024-03-01')], provider=bank)  # fmt: skip
    make_project('B', status='agreement_signed', split={'green_energy': 80, 'agrivoltaics': 20}, region='UZ-SA',
                 money=[(COMMITMENT, '2800000000', 'CNY', '2023-05-10')])  # fmt: skip
    make_project('C', status='negotiation', money=[(PLEDGE, '333333333.33', 'USD', '2025-02-20')])
    make_project('D')

    summary = selectors.summary(None)
    total = summary.total_usd
    assert total == Decimal('450000000.00') + Decimal('400836029.43')  # C is in the pipeline, D has no amount
    assert (summary.pipeline.projects, summary.pipeline.value_usd) == (2, Decimal('333333333.33'))
    for dimension in selectors.DIMENSIONS:
        groups = selectors.breakdown(None, dimension)
        assert sum(group.value_usd for group in groups) == total, dimension
        for group in groups:
            contributions = selectors.drill_down(None, dimension, group.key)
            assert sum(item.value_usd or 0 for item in contributions) == group.value_usd, (dimension, group.key)
    financiers = {group.label: group.value_usd for group in selectors.breakdown(None, 'financier')}
    assert financiers == {'China Development Bank': Decimal('450000000.00'), '': Decimal('400836029.43')}


@pytest.mark.parametrize(
    ('values', 'field', 'message'),
    [
        ({'planned_start': datetime.date(2025, 1, 1), 'planned_end': datetime.date(2024, 1, 1)}, '__all__',
         'The planned end is before the planned start.'),
        ({'identifier': 'DUP'}, 'identifier', 'Project with this Identifier already exists.'),
        ({'visibility': 'secret'}, 'visibility', "Value 'secret' is not a valid choice."),
    ],
)  # fmt: skip
def test_invalid_projects_are_refused_and_nothing_is_saved(make_project, values, field, message):
    make_project('DUP')
    count = Project.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.create_project(actor=SYSTEM, **{'identifier': 'NEW', 'title_en': 'New', **values})

    assert message in raised.value.message_dict[field]
    assert Project.objects.count() == count


def test_sector_shares_must_add_up_to_100(sectors):
    with pytest.raises(ValidationError) as raised:
        services.create_project(
            actor=SYSTEM,
            identifier='X',
            title_en='X',
            sectors=[(sectors['mining'], Decimal(60)), (sectors['geology'], Decimal(30))],
        )

    assert raised.value.message_dict == {'sectors': ['Sector shares add up to 90 %, not 100 %.']}
    assert not Project.objects.filter(identifier='X').exists()


def test_a_parent_cycle_is_refused(make_project):
    grandparent = make_project('G')
    parent = make_project('P', parent=grandparent)

    with pytest.raises(ValidationError) as raised:
        services.update_project(actor=SYSTEM, project=grandparent, parent=parent)

    assert raised.value.message_dict == {'parent': ['This parent would make the project its own ancestor.']}
    assert Project.objects.get(pk=grandparent.pk).parent_id is None


@pytest.mark.parametrize(
    ('value', 'currency', 'field', 'message'),
    [
        ('1.234', 'USD', 'value', 'Ensure that there are no more than 2 decimal places.'),  # negative is a reversal
        ('abc', 'USD', 'value', '“abc” value must be a decimal number.'),
    ],
)
def test_bad_amounts_are_refused(make_project, value, currency, field, message):
    project = make_project('M')

    with pytest.raises(ValidationError) as raised:
        services.add_transaction(actor=SYSTEM,
            project=project, type=COMMITMENT, value=value, currency=Currency.objects.get(code=currency),
            value_date=datetime.date(2024, 1, 1),
        )  # fmt: skip

    assert message in raised.value.message_dict[field]
    assert project.transactions.count() == 0


def test_status_follows_the_lifecycle_and_skips_need_a_reason(make_project):
    project = make_project('L')

    services.change_status(actor=SYSTEM, project=project, status='negotiation')
    with pytest.raises(ValidationError) as raised:
        services.change_status(actor=SYSTEM, project=project, status='implementation')
    assert raised.value.message_dict == {
        'reason': ['Moving from Negotiation to Implementation leaves the normal lifecycle: give a reason.']
    }
    services.change_status(
        actor=SYSTEM, project=project, status='implementation', reason='Financing closed in one step.'
    )

    assert list(StatusChange.objects.filter(project=project).values_list('previous', 'new', 'reason')) == [
        ('proposal', 'negotiation', ''),
        ('negotiation', 'implementation', 'Financing closed in one step.'),
    ]
    assert Project.objects.get(pk=project.pk).stage == 'implementation'


def test_a_cancelled_project_stays_cancelled(make_project):
    project = make_project('Z', status='cancelled')

    with pytest.raises(ValidationError, match='A cancelled project cannot change status.'):
        services.change_status(actor=SYSTEM, project=project, status='proposal', reason='revived')


def test_linked_projects_are_linked_both_ways_and_never_to_themselves(make_project):
    railway, station = make_project('RAIL'), make_project('STATION')

    services.link_projects(actor=SYSTEM, project=railway, other=station)

    assert list(station.linked.values_list('identifier', flat=True)) == ['RAIL']
    with pytest.raises(ValidationError, match='cannot be linked to itself'):
        services.link_projects(actor=SYSTEM, project=railway, other=railway)


def test_a_large_refresh_gives_the_same_figures_after_refreshing_planner_statistics(make_project, monkeypatch):
    from portfolio import aggregation

    project = make_project('P-LARGE', money=[(COMMITMENT, '2800000000', 'CNY', '2023-05-10')])
    Project.objects.filter(pk=project.pk).update(value_usd=None, stage='x', counting='x')
    monkeypatch.setattr(aggregation, 'LARGE_REFRESH', 1)  # on PostgreSQL: ANALYZE first, in the transaction

    aggregation.refresh_projects([project.pk])

    project.refresh_from_db()
    assert (project.value_usd, project.stage, project.counting) == (Decimal('400836029.43'), 'pipeline', 'pipeline')
