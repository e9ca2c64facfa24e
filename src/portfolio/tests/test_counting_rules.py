"""The counting rules of docs/portfolio-aggregation.md on one scenario: every expected figure is
computed here from the rules and the amounts recorded, never read back from the program."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.models import Currency
from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from portfolio import selectors, services
from portfolio.choices import TransactionType
from portfolio.models import Project

pytestmark = pytest.mark.django_db

OUT_COMMITMENT, DISBURSEMENT, IN_COMMITMENT, OUT_PLEDGE, IN_PLEDGE = '2', '3', '11', '12', '13'
BN, M = Decimal('1000000000'), Decimal('1000000')


def add(project, kind, value, *, provider=None, supersedes=None, passes_on=None, day='2024-03-01', flow=''):
    return services.add_transaction(
        actor=SYSTEM, project=project, type=kind, value=value, currency=Currency.objects.get(code='USD'),
        value_date=datetime.date.fromisoformat(day), provider=provider, supersedes=supersedes, passes_on=passes_on,
        flow_class=flow,
    )  # fmt: skip


@pytest.fixture
def ministry(uzbekistan):
    return organization_services.create_organization(
        actor=SYSTEM, name_en='Ministry of Economy and Finance', kind='government', country=uzbekistan
    )


@pytest.fixture
def scenario(make_project, bank, ministry):
    umbrella = make_project('UMB', status='agreement_signed', is_umbrella=True)
    add(umbrella, IN_COMMITMENT, 10 * BN)
    part_a = make_project('UMB-A', status='implementation', parent=umbrella)
    add(part_a, IN_COMMITMENT, 3 * BN, flow='oof')
    part_b = make_project('UMB-B', status='agreement_signed', parent=umbrella)
    add(part_b, IN_COMMITMENT, 4 * BN)

    revised = make_project('REV', status='agreement_signed')
    pledge = add(revised, IN_PLEDGE, 1 * BN, day='2022-05-01')
    add(revised, IN_COMMITMENT, Decimal('1.2') * BN, supersedes=pledge, day='2023-02-01')

    on_lent = make_project('ONLEND', status='agreement_signed')
    incoming = add(on_lent, IN_COMMITMENT, 200 * M, provider=bank, flow='export_credit')
    add(on_lent, OUT_COMMITMENT, 200 * M, provider=ministry, passes_on=incoming, flow='private')

    whole = make_project('WHOLE', status='agreement_signed')
    add(whole, IN_COMMITMENT, 500 * M)
    make_project('WHOLE-PART', status='agreement_signed', parent=whole)

    paid = make_project('PAID', status='implementation')
    add(paid, DISBURSEMENT, 50 * M)

    pipeline = make_project('PIPE', status='negotiation')
    add(pipeline, IN_PLEDGE, 800 * M)
    make_project('PROPOSED')  # a proposal with no amount

    cancelled = make_project('CANC', status='agreement_signed')
    add(cancelled, IN_COMMITMENT, 300 * M)
    services.change_status(actor=SYSTEM, project=cancelled, status='cancelled', reason='the loan was not signed')
    suspended = make_project('SUSP', status='implementation')
    add(suspended, IN_COMMITMENT, 100 * M)
    services.change_status(actor=SYSTEM, project=suspended, status='suspended', reason='sanctions review')
    return {'whole': whole, 'incoming': incoming}


def test_the_headline_counts_committed_work_once_and_shows_the_rest_beside_it(scenario):
    summary = selectors.summary(None)

    # Parts of the umbrella, the revision (not the pledge it replaced), the on-lent money once, the whole.
    headline = 3 * BN + 4 * BN + Decimal('1.2') * BN + 200 * M + 500 * M
    assert summary.total_usd == headline
    counted = ['UMB-A', 'UMB-B', 'REV', 'ONLEND', 'WHOLE', 'WHOLE-PART', 'PAID']
    assert summary.projects_counted == len(counted)
    assert sorted(Project.objects.counted().values_list('identifier', flat=True)) == sorted(counted)
    assert (summary.pipeline.projects, summary.pipeline.value_usd) == (2, 800 * M)
    not_counted = {name: (amount.projects, amount.value_usd) for name, amount in summary.not_counted.items()}
    assert not_counted == {
        'umbrellas': (1, 10 * BN),
        'unallocated': (1, 10 * BN - 3 * BN - 4 * BN),
        'cancelled': (1, 300 * M),
        'suspended': (1, 100 * M),
        'uncommitted_disbursements': (1, 50 * M),
    }
    # WHOLE-PART and PAID carry no value
    assert (summary.projects_with_value, summary.projects_without_amount) == (len(counted) - 2, 2)


def test_every_breakdown_adds_up_to_the_headline_and_on_lent_money_is_credited_to_its_lender(scenario):
    total = selectors.summary(None).total_usd

    stages = {group.key: group.value_usd for group in selectors.breakdown(None, 'stage')}
    assert stages == {
        'committed': 4 * BN + Decimal('1.2') * BN + 200 * M + 500 * M,
        'implementation': 3 * BN,
        'completed': Decimal('0.00'),
    }
    financiers = {group.label: group.value_usd for group in selectors.breakdown(None, 'financier')}
    assert financiers == {'China Development Bank': 200 * M, '': total - 200 * M}
    flows = {group.key: group.value_usd for group in selectors.breakdown(None, 'flow')}
    assert flows == {'oof': 3 * BN, 'export_credit': 200 * M, '': total - 3 * BN - 200 * M}  # not the on-lent
    years = {group.key: group.value_usd for group in selectors.breakdown(None, 'year')}
    # the revision's year; the projects without a value have none
    assert years == {'2023': Decimal('1.2') * BN, '2024': total - Decimal('1.2') * BN, '': Decimal('0.00')}
    for dimension in selectors.DIMENSIONS:
        assert sum(group.value_usd for group in selectors.breakdown(None, dimension)) == total, dimension


def test_a_whole_that_is_not_an_umbrella_and_its_part_may_not_both_carry_value(scenario):
    part = Project.objects.get(identifier='WHOLE-PART')

    with pytest.raises(ValidationError) as refused:
        add(part, IN_COMMITMENT, 200 * M)

    assert refused.value.messages == [
        'WHOLE-PART carries an amount, and so does a project it is part of, which is not an umbrella agreement: '
        'the same money would be counted twice. Mark the whole as an umbrella agreement (its parts are counted, '
        'it is not), or record the money on one of them only.'
    ]
    assert part.transactions.count() == 0
    assert selectors.summary(None).total_usd == 3 * BN + 4 * BN + Decimal('1.2') * BN + 200 * M + 500 * M


def test_making_a_valued_project_the_part_of_a_valued_whole_is_refused(scenario, make_project):
    loose = make_project('LOOSE', status='agreement_signed')
    add(loose, IN_COMMITMENT, 70 * M)

    with pytest.raises(ValidationError, match='LOOSE carries an amount, and so does a project it is part of'):
        services.update_project(actor=SYSTEM, project=loose, parent=scenario['whole'])

    assert Project.objects.get(pk=loose.pk).parent_id is None


@pytest.mark.parametrize(
    ('revised', 'revision', 'allowed'),
    [
        (IN_PLEDGE, IN_COMMITMENT, True),
        (OUT_PLEDGE, OUT_COMMITMENT, True),
        (IN_COMMITMENT, IN_COMMITMENT, True),
        (IN_COMMITMENT, DISBURSEMENT, False),
        (OUT_PLEDGE, IN_COMMITMENT, False),
        (DISBURSEMENT, IN_COMMITMENT, False),
    ],
)
def test_a_revision_stays_in_the_family_of_what_it_revises(make_project, revised, revision, allowed):
    project = make_project('FAM', status='agreement_signed')
    first = add(project, revised, 10 * M)

    if allowed:
        add(project, revision, 12 * M, supersedes=first)
        first.refresh_from_db()
        assert first.superseded_by is not None
    else:
        with pytest.raises(ValidationError, match=f'cannot revise one of type “{TransactionType(revised).label}”'):
            add(project, revision, 12 * M, supersedes=first)
        assert project.transactions.count() == 1


def test_an_on_lent_amount_passes_on_at_most_what_came_in_and_only_as_an_outgoing_commitment(scenario, ministry):
    project, incoming = Project.objects.get(identifier='ONLEND'), scenario['incoming']

    with pytest.raises(ValidationError, match='passes on at most the incoming commitment it names'):
        add(project, OUT_COMMITMENT, 201 * M, provider=ministry, passes_on=incoming)
    with pytest.raises(ValidationError, match='Only an outgoing commitment passes on'):
        add(project, DISBURSEMENT, 10 * M, passes_on=incoming)
    other = Project.objects.get(identifier='REV')
    with pytest.raises(ValidationError, match='only pass on an incoming commitment of the same project'):
        add(other, OUT_COMMITMENT, 10 * M, passes_on=incoming)


def test_a_part_of_an_umbrella_the_reader_may_not_see_takes_up_nothing_of_the_frameworks_it_sees(
    make_project, scenario
):
    hidden = make_project('HIDDEN-UMB', status='agreement_signed', is_umbrella=True, visibility='restricted')
    add(hidden, IN_COMMITMENT, 900 * M)
    make_project('PUBLIC-PART', status='agreement_signed', parent=hidden, visibility='public')
    add(Project.objects.get(identifier='PUBLIC-PART'), IN_COMMITMENT, 600 * M)

    public = selectors.summary(None).not_counted
    assert (public['umbrellas'].value_usd, public['unallocated'].value_usd) == (10 * BN, 10 * BN - 7 * BN)


def add_in(project, kind, value, currency, day):
    return services.add_transaction(
        actor=SYSTEM, project=project, type=kind, value=Decimal(value), currency=Currency.objects.get(code=currency),
        value_date=datetime.date.fromisoformat(day),
    )  # fmt: skip


def test_reversals_reduce_what_they_reverse_and_never_below_zero(make_project):
    committed = make_project('REVERSED', status='agreement_signed')
    add(committed, IN_COMMITMENT, 100 * M)
    add(committed, IN_COMMITMENT, -30 * M)
    paid = make_project('PAID-BACK', status='implementation')
    add(paid, DISBURSEMENT, 20 * M)
    add(paid, DISBURSEMENT, -5 * M)

    summary = selectors.summary(None)
    assert summary.total_usd == 100 * M - 30 * M
    assert summary.not_counted['uncommitted_disbursements'].value_usd == 20 * M - 5 * M
    with pytest.raises(ValidationError) as refused:
        add(committed, IN_COMMITMENT, -71 * M)
    assert refused.value.messages == [
        'The commitments of REVERSED add up to less than zero (-1,000,000.00 USD): a reversal may not take back '
        'more than was recorded.'
    ]
    assert committed.transactions.count() == 2


def test_the_year_is_that_of_the_earliest_converted_amount_that_adds_to_the_value(make_project):
    project = make_project('YEARS', status='agreement_signed')
    add_in(project, IN_COMMITMENT, '0', 'USD', '2019-06-01')  # adds nothing
    add_in(project, IN_COMMITMENT, '40000000', 'UZS', '2005-03-01')  # no rate covers it: not converted
    add_in(project, IN_COMMITMENT, '10000000', 'USD', '2022-09-01')
    add_in(project, DISBURSEMENT, '1000000', 'USD', '2021-01-15')  # not part of the value

    project.refresh_from_db()
    assert (project.value_usd, project.value_basis, project.value_year, project.unconverted_count) == (
        10 * M,
        'commitments',
        2022,
        1,
    )


def test_every_group_says_how_much_of_it_is_illustrative(make_project, sectors):
    invented = make_project(
        'ILL', status='agreement_signed', is_illustrative=True, split={'mining': 75, 'geology': 25}, region='UZ-NW'
    )
    add(invented, IN_COMMITMENT, 40 * M, flow='oof')
    cited = make_project('CITED', status='agreement_signed', split={'mining': 100}, region='UZ-NW')
    add(cited, IN_COMMITMENT, 10 * M, flow='oof')

    expected = {
        'stage': {'committed': 40 * M, 'implementation': 0, 'completed': 0},
        'sector': {'mining': 30 * M, 'geology': 10 * M},
        'region': {'UZ-NW': 40 * M},
        'financier': {'': 40 * M},
        'flow': {'oof': 40 * M},
        'year': {'2024': 40 * M},
    }
    for dimension, shares in expected.items():
        groups = {group.key: group.illustrative_usd for group in selectors.breakdown(None, dimension)}
        assert groups == {key: Decimal(value) for key, value in shares.items()} | {
            key: Decimal('0.00') for key in groups.keys() - shares.keys()
        }, dimension
    rows = APIClient().get('/api/portfolio/breakdown/sector/').json()
    assert {row['key']: row['illustrative_usd'] for row in rows if row['projects']} == {
        'mining': '30000000.00',
        'geology': '10000000.00',
    }


def test_a_group_whose_only_amounts_are_not_converted_says_so_not_zero(make_project, client):
    project = make_project('NO-RATE', status='agreement_signed', region='UZ-AN')
    add_in(project, IN_COMMITMENT, '40000000', 'UZS', '2005-03-01')  # the IMF series has no 2005 rate

    regions = {group.key: (group.value_usd, group.unconverted) for group in selectors.breakdown(None, 'region')}
    financiers = {group.key: (group.value_usd, group.unconverted) for group in selectors.breakdown(None, 'financier')}
    page = client.get('/portfolio/').content.decode()
    drill = client.get('/portfolio/breakdown/region/UZ-AN/').content.decode()

    assert (regions, financiers) == ({'UZ-AN': (Decimal('0.00'), 1)}, {'': (Decimal('0.00'), 1)})
    # one group of each breakdown holds it: stage, sector (not stated), financier, flow, year, region
    assert page.count('not converted (1 amount)') == len(selectors.DIMENSIONS)
    assert 'amount not converted' in drill and 'no amount' not in drill
