"""Monthly exports and imports on the dashboard, from a small monthly customs file beside the
official yearly tables.

The file (thousand USD) covers January 2021 – April 2024, month i = 0 … 39: imports from China of
850440 (1,000 + 10·i) and 847130 (500), exports to China of 520100 (200 + i), and imports from Russia
of 850440 (999, not part of the pair). January–April 2024 (i = 36 … 39) against January–April 2023
(i = 24 … 27): imports 7,500 against 7,020, exports 950 against 902.
"""

import pandas as pd
import pytest

from hamkor.permissions import SYSTEM
from trade.analytics.monitor import Monitor
from trade.analytics.series import year_to_date
from trade.importers.customs import CustomsImporter
from trade.models import ColumnMapping
from trade.services import run_import

pytestmark = pytest.mark.django_db

HEADER = 'Период;Страна;Направление;Код ТН ВЭД;Стоимость, тыс. долл.\n'
MONTHS = [(year, month) for year in range(2021, 2025) for month in range(1, 13)][:40]


def monthly_file(tmp_path, months=MONTHS):
    lines = [HEADER]
    for index, (year, month) in enumerate(MONTHS):
        if (year, month) not in months:
            continue
        period = f'{year}-{month:02d}'
        lines += [
            f'{period};156;ИМ;850440;{1000 + 10 * index}\n', f'{period};156;ИМ;847130;500\n',
            f'{period};156;ЭК;520100;{200 + index}\n', f'{period};643;ИМ;850440;999\n',
        ]  # fmt: skip
    path = tmp_path / 'customs_monthly.csv'
    path.write_bytes(''.join(lines).encode('cp1251'))
    return path


def import_monthly_file(tmp_path) -> None:
    """monthly_file imported through the mapping of its layout."""
    mapping = ColumnMapping.objects.create(
        key='uz-monthly', name='Uzbek customs, monthly',
        columns={'period': 'Период', 'partner': 'Страна', 'flow': 'Направление', 'product': 'Код ТН ВЭД',
                 'value': 'Стоимость, тыс. долл.'},
        flow_codes={'ИМ': 'M', 'ЭК': 'X'}, partner_codes='m49', value_scale=1000, delimiter=';', encoding='cp1251',
        reporter='UZB', classification='HS2017',
    )  # fmt: skip
    run_import(CustomsImporter(monthly_file(tmp_path), mapping=mapping), actor=SYSTEM)


@pytest.fixture
def monthly(official, tmp_path):
    import_monthly_file(tmp_path)


def test_monthly_series_and_year_to_date(monthly):
    monitor = Monitor()
    table = monitor.monthly()

    assert set(table.source) == {'customs:uz-monthly'} and len(table) == 40
    april = table.iloc[-1]
    assert (april.year, april.month) == (2024, 4)
    assert (april.imports, april.exports) == (1_890_000, 239_000)  # 1,000 + 390 + 500; 200 + 39 (thousand)
    ytd = monitor.year_to_date()
    assert ytd == {
        'year': 2024, 'base_year': 2023, 'month': 4, 'complete': True,
        'source': 'customs:uz-monthly', 'classification': 'HS2017',
        'exports': 950_000, 'base_exports': 902_000, 'exports_growth': pytest.approx(950 / 902 - 1),
        'imports': 7_500_000, 'base_imports': 7_020_000, 'imports_growth': pytest.approx(7500 / 7020 - 1),
        'turnover': 8_450_000, 'base_turnover': 7_922_000, 'turnover_growth': pytest.approx(8450 / 7922 - 1),
        'balance': -6_550_000, 'base_balance': -6_118_000,
    }  # fmt: skip
    # the yearly official series is untouched by the monthly rows
    assert monitor.yearly().source.unique().tolist() == ['uzstat']


def test_dashboard_shows_the_last_36_months_and_the_year_to_date(client, monthly, django_assert_num_queries):
    with django_assert_num_queries(2):  # the current slices; targets
        response = client.get('/trade/')
    page = response.content.decode()
    monthly = response.context['monthly']

    assert (monthly['first'], monthly['last']) == ('2021-05', '2024-04')
    assert monthly['period'] == 'January–April'
    assert 'Customs statistics (uz-monthly)' in page
    assert 'January–April 2024 against the same months of 2023' in page
    assert 'data-chart="chart-monthly"' in page
    chart = response.context['charts']['monthly']
    assert chart.count('"series":"Imports"') == 36 and chart.count('"series":"Exports"') == 36
    assert '"month":"2021-05-01"' in chart and '"month":"2021-04-01"' not in chart
    rows = {row['label']: row for row in monthly['ytd_rows']}
    assert (rows['Imports']['value'], rows['Imports']['base']) == (7_500_000, 7_020_000)
    assert '<td class="num">6.8%</td>' in page  # imports: 7,500 / 7,020 − 1 = 6.84 %
    assert 'id="ytd-incomplete"' not in page


def test_no_monthly_data_no_monthly_section(client, official):
    response = client.get('/trade/')

    assert response.context['monthly'] is None
    assert 'id="monthly-heading"' not in response.content.decode()


def test_year_to_date_needs_every_month_in_both_years():
    def frame(months):
        return pd.DataFrame([
            {'source': 'customs:x', 'classification': 'HS2017', 'year': year, 'month': month, 'exports': 1.0,
             'imports': 2.0, 'turnover': 3.0, 'balance': -1.0}
            for year, month in months
        ])  # fmt: skip

    gap = year_to_date(frame([(2023, 1), (2023, 3), (2024, 1), (2024, 2), (2024, 3)]))
    assert gap['complete'] is False and gap['imports'] == 6 and gap['base_imports'] is None
    assert gap['imports_growth'] is None
    january = year_to_date(frame([(2023, 1), (2024, 1)]))
    assert (january['month'], january['imports'], january['imports_growth']) == (1, 2, 0)
    assert year_to_date(frame([])) is None
