"""The portfolio dashboard's charts on the demo portfolio: each bar, column and region links to
its drill-down, the stages keep their lifecycle order, the map shades the regions by the
registered total, and commitments and disbursements add up over the years to the totals."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from portfolio.choices import Region, TransactionType
from portfolio.models import Transaction

pytestmark = pytest.mark.django_db

DRIP, SOLAR, COPPER, SIGNALLING = (Decimal(v) for v in ('17397103.38', '400836029.43', '450000000', '107277816.47'))


@pytest.fixture(scope='module')
def dashboard(django_db_setup, django_db_blocker):
    """The demo's dashboard as the public sees it, computed once for the module in a transaction
    that is rolled back (the session's reference data stay as they were)."""
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        call_command('load_demo', stdout=io.StringIO())
        response = Client().get('/portfolio/')
        disbursed = Transaction.objects.get(type=TransactionType.DISBURSEMENT).value_usd
        charts = {name: json.loads(spec) for name, spec in response.context['charts'].items()}
        summary = response.context['summary']
        transaction.set_rollback(True)
    return summary, charts, disbursed


def test_the_stage_bars_keep_the_lifecycle_order_and_link_to_their_drill_downs(dashboard):
    _, charts, _ = dashboard
    stage = charts['stage']
    values = stage['data']['values']

    # the signalling line's financing is closed: committed, beside the copper line's signed agreement
    committed = COPPER + SIGNALLING
    assert [(row['group'], row['usd']) for row in values] == [
        ('Committed', float(committed)), ('In implementation', float(SOLAR)), ('Completed', float(DRIP)),
    ]  # fmt: skip
    assert [row['url'] for row in values] == [
        '/portfolio/breakdown/stage/committed/', '/portfolio/breakdown/stage/implementation/',
        '/portfolio/breakdown/stage/completed/',
    ]  # fmt: skip
    assert stage['encoding']['y']['sort'] == ['Committed', 'In implementation', 'Completed']
    assert stage['encoding']['href'] == {'field': 'url', 'type': 'nominal'}
    assert sum(row['share'] for row in values) == pytest.approx(1)
    # the CSV of the chart: the tooltip's titles over the exact values
    table = stage['usermeta']['table']
    assert table['columns'] == ['Stage', 'Value, USD', 'Share']
    assert table['rows'][0][:2] == ['Committed', float(committed)]
    assert table['rows'][0][2] == pytest.approx(float(committed / (committed + SOLAR + DRIP)))
    assert table['note'] == 'Illustrative: contains generated data, not statistics'
    assert stage['title']['text'] == 'Illustrative data, not statistics'


def test_the_map_shades_the_fourteen_regions_by_the_registered_total(dashboard):
    _, charts, _ = dashboard
    shapes = charts['region']['data']['values']  # the demo records no coordinates: no layer of points
    by_name = {feature['properties']['region']: feature['properties'] for feature in shapes}

    regions = {label for code, label in Region.choices if code != Region.NATIONWIDE}
    assert set(by_name) == regions and len(shapes) == 14
    assert by_name['Samarkand'] == {'region': 'Samarkand', 'usd': float(SOLAR), 'projects': 1,
                                    'url': '/portfolio/breakdown/region/UZ-SA/'}  # fmt: skip
    assert by_name['Navoiy']['usd'] == float(COPPER) and by_name['Fergana']['usd'] == float(DRIP)
    assert by_name['Tashkent city']['usd'] == float(SIGNALLING)
    # a region without counted projects is drawn, empty and without a link
    assert by_name['Karakalpakstan'] == {'region': 'Karakalpakstan', 'usd': 0.0, 'projects': 0}
    assert all(feature['geometry']['type'] in ('Polygon', 'MultiPolygon') for feature in shapes)


def test_commitments_and_disbursements_add_up_year_by_year(dashboard):
    summary, charts, disbursed = dashboard
    values = charts['money']['data']['values']
    committed = {row['year']: row for row in values if row['series'] == 'Commitments'}
    paid = {row['year']: row for row in values if row['series'] == 'Disbursements'}

    # the signalling line's UZS 40 million of 2005 has no rate (not converted: in no year)
    assert sorted(committed) == [2019, 2022, 2023, 2024]
    assert [committed[year]['in_year'] for year in sorted(committed)] == [
        float(DRIP), float(SIGNALLING), float(SOLAR), float(COPPER)
    ]  # fmt: skip
    # added up, the commitments are the registered total
    assert committed[2024]['cumulative'] == pytest.approx(float(summary.total_usd), abs=0.005)
    assert [paid[year]['in_year'] for year in sorted(paid)] == [0, 0, 0, float(disbursed)]
    assert paid[2024]['cumulative'] == float(disbursed)


def test_the_year_columns_link_to_the_drill_down_of_their_year(dashboard):
    _, charts, _ = dashboard
    values = charts['year']['data']['values']

    assert [(row['year'], row['url']) for row in values] == [
        (2019, '/portfolio/breakdown/year/2019/'), (2022, '/portfolio/breakdown/year/2022/'),
        (2023, '/portfolio/breakdown/year/2023/'), (2024, '/portfolio/breakdown/year/2024/'),
    ]  # fmt: skip
