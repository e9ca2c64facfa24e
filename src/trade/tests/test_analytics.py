"""The monitor's figures on a small table of flows whose every number is worked out by hand below.

BACI-like world (source 'baci', HS2017, 2022), exporter → importer, values in USD:
    UZB→CHN p1 10, p2 30     CHN→UZB p1 20, p3 60     UZB→KAZ p1 40
    CHN→KAZ p2 100, p3 40    KAZ→CHN p1 50, p3 50
Uzbek official totals (source 'uzstat', TOTAL): exports to China 100, 150, 120, 180 and imports
from China 200, 250, 300, 420 in 2020–2023; in 2023 also Kazakhstan (X 300, M 100) and other
countries (X 20). China's own report (source 'comtrade'): exports to Uzbekistan 400 in 2023.
Illustrative HS6 (UZB imports from CHN): 2022 p1 100, p2 200; 2023 p1 150, p2 150, p3 120.
"""

import math

import ibis
import pyarrow as pa
import pytest

from trade.analytics.expressions import exports_by_exporter_product, hhi, rca
from trade.analytics.monitor import Monitor
from trade.analytics.series import cagr
from trade.schema import FLOW_SCHEMA

P1, P2, P3 = '010121', '520100', '850440'


def row(source, reporter, partner, flow, year, value, product='TOTAL', classification=None, illustrative=False):
    if classification is None:
        classification = 'TOTAL' if product == 'TOTAL' else 'HS2017'
    return {
        'source': source, 'reporter': reporter, 'partner': partner, 'flow': flow, 'year': year, 'month': 0,
        'classification': classification, 'product': product, 'value_usd': float(value), 'quantity': None,
        'unit': None, 'run_id': 1, 'illustrative': illustrative,
    }  # fmt: skip


def table(rows):
    return ibis.memtable(pa.Table.from_pylist(rows, schema=FLOW_SCHEMA))


BACI = [
    row('baci', 'UZB', 'CHN', 'X', 2022, 10, P1),
    row('baci', 'UZB', 'CHN', 'X', 2022, 30, P2),
    row('baci', 'CHN', 'UZB', 'X', 2022, 20, P1),
    row('baci', 'CHN', 'UZB', 'X', 2022, 60, P3),
    row('baci', 'UZB', 'KAZ', 'X', 2022, 40, P1),
    row('baci', 'CHN', 'KAZ', 'X', 2022, 100, P2),
    row('baci', 'CHN', 'KAZ', 'X', 2022, 40, P3),
    row('baci', 'KAZ', 'CHN', 'X', 2022, 50, P1),
    row('baci', 'KAZ', 'CHN', 'X', 2022, 50, P3),
]
UZSTAT = [
    *(
        row('uzstat', 'UZB', 'CHN', 'X', year, value)
        for year, value in zip(range(2020, 2024), (100, 150, 120, 180), strict=True)
    ),
    *(
        row('uzstat', 'UZB', 'CHN', 'M', year, value)
        for year, value in zip(range(2020, 2024), (200, 250, 300, 420), strict=True)
    ),
    row('uzstat', 'UZB', 'KAZ', 'X', 2023, 300),
    row('uzstat', 'UZB', 'KAZ', 'M', 2023, 100),
    row('uzstat', 'UZB', '_OT', 'X', 2023, 20),
]
COMTRADE = [row('comtrade', 'CHN', 'UZB', 'X', 2023, 400)]
ILLUSTRATIVE = [
    row('illustrative-hs6', 'UZB', 'CHN', 'M', year, value, product, illustrative=True)
    for year, product, value in ((2022, P1, 100), (2022, P2, 200), (2023, P1, 150), (2023, P2, 150), (2023, P3, 120))
]


@pytest.fixture
def monitor():
    return Monitor('UZB', 'CHN', flows=table(BACI + UZSTAT + COMTRADE + ILLUSTRATIVE))


def test_yearly_series_comes_from_the_national_statistics_with_growth(monitor):
    yearly = monitor.yearly()

    assert set(yearly.source) == {'uzstat'} and set(yearly.classification) == {'TOTAL'}
    assert yearly.year.tolist() == [2020, 2021, 2022, 2023]
    assert yearly.turnover.tolist() == [300, 400, 420, 600]
    assert yearly.balance.tolist() == [-100, -100, -180, -240]
    assert yearly.coverage.tolist() == pytest.approx([0.5, 0.6, 0.4, 180 / 420])
    assert math.isnan(yearly.turnover_growth[0])
    assert yearly.turnover_growth[1:].tolist() == pytest.approx([1 / 3, 0.05, 600 / 420 - 1])
    assert not yearly.illustrative.any()


def test_cagr(monitor):
    assert monitor.cagr() == pytest.approx(2 ** (1 / 3) - 1)  # 300 → 600 in three years
    assert monitor.cagr('exports', 2021, 2023) == pytest.approx((180 / 150) ** 0.5 - 1)
    assert cagr(14, 20, 5) == pytest.approx(0.0739, abs=1e-4)  # trade_methods.md §5


def test_other_sources_stay_separate_series(monitor):
    series = monitor.series()
    baci = series[series.source == 'baci']

    assert baci[['year', 'exports', 'imports', 'turnover', 'balance', 'coverage']].values.tolist() == [
        [2022, 40, 80, 120, -40, 0.5]  # imports of UZB read from China's exports in the reconciled source
    ]
    assert monitor.yearly(source='baci').turnover.tolist() == [120]
    comtrade = series[series.source == 'comtrade']
    assert comtrade.empty  # China's report is its own side, not Uzbekistan's


def test_share_of_china_in_uzbekistan_trade(monitor):
    share = monitor.share().set_index('year')

    assert share.at[2023, 'partner_usd'] == 600
    assert share.at[2023, 'world_usd'] == 1020  # 180 + 420 + 300 + 100 + 20 (other countries count)
    assert share.at[2023, 'share'] == pytest.approx(600 / 1020)
    assert share.at[2020, 'share'] == 1  # China is the only partner recorded in 2020


def test_world_row_is_the_total_when_the_source_has_one():
    rows = [*UZSTAT, row('uzstat', 'UZB', 'WLD', 'X', 2023, 1000), row('uzstat', 'UZB', 'WLD', 'M', 2023, 2000)]
    share = Monitor('UZB', 'CHN', flows=table(rows)).share().set_index('year')

    assert share.at[2023, 'world_usd'] == 3000


def test_partner_concentration(monitor):
    result = monitor.partner_concentration(2023)

    # partners' trade: CHN 600, KAZ 400, other 20 of 1020
    expected = (600**2 + 400**2 + 20**2) / 1020**2
    assert result.hhi[0] == pytest.approx(expected)
    assert result.hhi_normalised[0] == pytest.approx((expected - 1 / 3) / (2 / 3))
    assert result.n[0] == 3


def test_top_products_use_real_product_data_before_illustrative(monitor):
    top = monitor.top_products(direction='M', year=2022, base_year=2022)

    assert set(top.source) == {'baci'} and not top.illustrative.any()
    assert top[['product', 'value_usd']].values.tolist() == [[P3, 60], [P1, 20]]


def test_top_products_fall_back_to_illustrative_data_labelled():
    monitor = Monitor('UZB', 'CHN', flows=table(UZSTAT + ILLUSTRATIVE))
    top = monitor.top_products(direction='M')

    assert top.illustrative.all() and set(top.source) == {'illustrative-hs6'}
    assert top[['year', 'base_year']].drop_duplicates().values.tolist() == [[2023, 2022]]
    assert top['product'].tolist() == [P1, P2, P3]  # 150, 150 (ties by code), 120
    assert top.contribution.tolist() == pytest.approx([50 / 300, -50 / 300, 120 / 300])
    assert top.contribution.sum() == pytest.approx(420 / 300 - 1)  # contributions add up to the growth
    assert top.growth.tolist()[:2] == pytest.approx([0.5, -0.25]) and math.isnan(top.growth[2])
    assert top.share.tolist() == pytest.approx([150 / 420, 150 / 420, 120 / 420])
    # the official totals are not touched by illustrative rows
    assert monitor.yearly().imports.tolist() == [200, 250, 300, 420]


def test_products_by_chapter():
    monitor = Monitor('UZB', 'CHN', flows=table(ILLUSTRATIVE))
    chapters = monitor.top_products(direction='M', digits=2)

    assert chapters[['product', 'value_usd', 'base_value_usd']].values.tolist() == [
        ['01', 150, 100], ['52', 150, 200], ['85', 120, 0],
    ]  # fmt: skip
    heading = monitor.top_products(direction='M', digits=4, prefix='85')
    assert heading[['product', 'value_usd']].values.tolist() == [['8504', 120]]


def test_product_concentration():
    monitor = Monitor('UZB', 'CHN', flows=table(ILLUSTRATIVE))
    result = monitor.product_concentration(direction='M', year=2023)

    expected = (150**2 + 150**2 + 120**2) / 420**2
    assert result.hhi[0] == pytest.approx(expected) == pytest.approx(0.336735, abs=1e-6)
    assert result.hhi_normalised[0] == pytest.approx((expected - 1 / 3) / (2 / 3))
    assert bool(result.illustrative[0]) is True


def test_hhi_of_a_single_product_is_one():
    values = ibis.memtable({'product': ['a'], 'value_usd': [5.0]})
    result = hhi(values).execute()

    assert result.hhi[0] == 1 and result.n[0] == 1 and math.isnan(result.hhi_normalised[0])


def test_revealed_comparative_advantage(monitor):
    result = monitor.rca(2022).set_index('product')

    # UZB exports p1 50, p2 30 of 80; world p1 120, p2 130, p3 150 of 400
    assert result.rca.to_dict() == pytest.approx({P1: (50 / 80) / (120 / 400), P2: (30 / 80) / (130 / 400)})
    assert result.at[P1, 'rca'] == pytest.approx(2.083333, abs=1e-6)
    assert result.at[P2, 'rca_symmetric'] == pytest.approx((1.153846 - 1) / (1.153846 + 1), abs=1e-6)


def test_trade_complementarity_in_both_directions(monitor):
    result = monitor.complementarity(2022).set_index('exporter')

    # UZB exports (5/8, 3/8, 0) vs CHN imports (3/7, 3/14, 5/14): Σ|m − x| = 5/7
    assert result.at['UZB', 'tc'] == pytest.approx(100 * (1 - 5 / 14))
    # CHN exports (1/11, 5/11, 5/11) vs UZB imports (1/4, 0, 3/4): Σ|m − x| = 10/11
    assert result.at['CHN', 'tc'] == pytest.approx(100 * (1 - 5 / 11))


def test_mirror_compares_both_sides_reports_with_the_cif_fob_factor(monitor):
    mirror = monitor.mirror()

    assert len(mirror) == 1
    gap = mirror.iloc[0]
    assert (gap.year, gap.importer, gap.exporter) == (2023, 'UZB', 'CHN')
    assert (gap.imports_source, gap.exports_source) == ('uzstat', 'comtrade')
    assert gap.cif_fob_factor == 1.06
    assert gap.gap_usd == pytest.approx(420 - 424)
    assert gap.gap_pct == pytest.approx(-4 / 424)
    assert gap.symmetric_gap == pytest.approx(-8 / 844)
    assert gap.log_gap == pytest.approx(math.log(420 / 424))
    unadjusted = Monitor('UZB', 'CHN', flows=table(UZSTAT + COMTRADE), cif_fob_factor=1.0).mirror()
    assert unadjusted.gap_usd.tolist() == [20]


def test_no_mirror_without_both_sides():
    assert Monitor('UZB', 'CHN', flows=table(UZSTAT)).mirror().empty


def test_illustrative_rows_never_reach_official_totals():
    rows = [row('illustrative-hs6', 'UZB', 'CHN', 'X', 2023, 999, P1, illustrative=True), *UZSTAT]
    monitor = Monitor('UZB', 'CHN', flows=table(rows))

    assert set(monitor.series().source) == {'uzstat'}
    assert monitor.yearly().exports.tolist() == [100, 150, 120, 180]


def test_monthly_series():
    rows = [{**row('customs:uz', 'UZB', 'CHN', flow, 2024, value), 'month': month}
            for flow, month, value in (('X', 1, 10), ('M', 1, 30), ('X', 2, 12), ('M', 2, 40))]  # fmt: skip
    monthly = Monitor('UZB', 'CHN', flows=table(rows + UZSTAT)).monthly()

    assert monthly[['year', 'month', 'turnover', 'balance']].values.tolist() == [[2024, 1, 40, -20], [2024, 2, 52, -28]]
    assert set(monthly.source) == {'customs:uz'}


def test_rca_from_the_precomputed_exporter_product_totals(monitor):
    flows = table(BACI)
    direct = rca(flows, 'UZB', year=2022, source='baci', classification='HS2017').execute()
    totals = ibis.memtable(exports_by_exporter_product(flows).execute())
    cached = rca(flows, 'UZB', year=2022, source='baci', classification='HS2017', exports=totals).execute()

    assert cached[['product', 'rca']].values.tolist() == direct[['product', 'rca']].values.tolist()
    assert cached.rca.tolist() == pytest.approx([(50 / 80) / (120 / 400), (30 / 80) / (130 / 400)])
