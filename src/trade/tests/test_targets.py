"""Targets against the official series: required growth, projections, back-test, status, split;
the report's claims as targets; the illustrative product generator."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import HSCode, ObjectChange
from hamkor.permissions import SYSTEM
from portfolio.demo import load_demo_portfolio
from trade.analytics import engine, projection
from trade.analytics.assessment import assess, target_path
from trade.analytics.monitor import Monitor
from trade.demo import (
    ANNOUNCED_YEAR,
    OfficialTotalsMissing,
    generate_illustrative_products,
    load_demo_targets,
)
from trade.models import Target
from trade.services import create_target
from trade.store import catalogue

TURNOVER_2023 = 13_825_656_300.0  # 2,486,557.3 + 11,339,099.0 thousand USD (M49 156 in both files)
T_90_DF2 = 1.8856180831641267  # Student's t, 0.9 quantile, 2 degrees of freedom


@pytest.fixture
def report_targets(db, official):
    load_demo_portfolio()
    load_demo_targets(actor=SYSTEM)
    return Target.objects.select_related('claim__source')


#
# The maths, by hand
#


def test_required_growth_to_20_billion_from_2023():
    rows = {n: projection.required_growth(TURNOVER_2023, 20e9, n) for n in (3, 4, 5, 6)}

    assert rows == pytest.approx({3: 0.130962, 4: 0.096695, 5: 0.076636, 6: 0.063467}, abs=1e-6)
    assert projection.required_growth(14e9, 20e9, 5) == pytest.approx(0.0739, abs=1e-4)  # trade_methods.md §5
    assert projection.required_change(-8.85e9, -4e9, 5) == pytest.approx(0.97e9)


def test_student_t_quantiles():
    assert projection.t_quantile(0.9, 2) == pytest.approx(T_90_DF2, abs=1e-6)
    assert projection.t_quantile(0.975, 5) == pytest.approx(2.570582, abs=1e-6)
    assert projection.t_quantile(0.1, 12) == pytest.approx(-1.356217, abs=1e-6)


# ln y = 0, 1, 3, 3 in 2020–2023
YEARS, VALUES = [2020, 2021, 2022, 2023], [1, math.e, math.e**3, math.e**3]


def test_log_linear_trend_projection_starts_from_the_last_year_with_its_prediction_interval():
    result = projection.project(projection.TREND, YEARS, VALUES, 2025)

    # slope 5.5 / 5 = 1.1, residuals (−0.1, −0.2, 0.7, −0.4), s² = 0.70 / 2; from ln y(2023) = 3:
    # 3 + 1.1·h; the forecast error's variance s²·(2 + (h² + 2h·(2023 − 2021.5)) / 5)
    spreads = [T_90_DF2 * math.sqrt(0.35) * math.sqrt(2 + (h**2 + 3 * h) / 5) for h in (1, 2)]
    assert result.years == [2024, 2025]
    assert result.central == pytest.approx([math.exp(4.1), math.exp(5.2)])
    assert result.lower == pytest.approx([math.exp(4.1 - spreads[0]), math.exp(5.2 - spreads[1])], rel=1e-6)
    assert result.upper == pytest.approx([math.exp(4.1 + spreads[0]), math.exp(5.2 + spreads[1])], rel=1e-6)
    assert result.parameters['annual_growth'] == pytest.approx(math.exp(1.1) - 1)


def test_random_walk_with_drift_projection():
    result = projection.project(projection.DRIFT, YEARS, VALUES, 2025)

    # changes (1, 2, 0): drift 1, σ = √((0 + 1 + 1) / 2) = 1
    spreads = [T_90_DF2 * math.sqrt(h * (1 + h / 3)) for h in (1, 2)]
    assert result.central == pytest.approx([math.exp(4), math.exp(5)])
    assert result.lower == pytest.approx([math.exp(4 - spreads[0]), math.exp(5 - spreads[1])], rel=1e-6)
    assert result.first_year_reaching(math.exp(4.5)) == 2025


def test_rolling_origin_backtest():
    result = projection.backtest(projection.DRIFT, YEARS, VALUES, horizon=1, min_training=3)

    # one forecast: fitted on 2020–2022 (drift 1.5), 2023 forecast e^4.5 against e^3
    scale = ((math.e - 1) + (math.e**3 - math.e) + 0) / 3
    assert result.forecasts == 1
    assert result.mape == pytest.approx(100 * (math.exp(1.5) - 1))
    assert result.mase == pytest.approx((math.exp(4.5) - math.exp(3)) / scale)


def test_status_from_the_interval():
    assert projection.status(20, central=21, upper=25) == 'on_track'
    assert projection.status(20, central=18, upper=25) == 'at_risk'
    assert projection.status(20, central=15, upper=19) == 'off_track'


def test_split_of_the_turnover_target_into_exports_and_imports():
    x, m = 2_486_557_300.0, 11_339_099_000.0

    assert projection.split_turnover(20e9, x, m, 'keep_balance') == pytest.approx((5_573_729_150, 14_426_270_850))
    assert projection.split_turnover(20e9, x, m, 'balanced') == (10e9, 10e9)
    keep = projection.split_turnover(20e9, x, m, 'keep_coverage')
    assert keep[0] / keep[1] == pytest.approx(x / m) and sum(keep) == pytest.approx(20e9)
    halve = projection.split_turnover(20e9, x, m, 'halve_deficit')
    assert halve[0] - halve[1] == pytest.approx((x - m) / 2)


#
# The report's figures against the official statistics (real files)
#


def test_official_2023_turnover_with_china_from_the_files(official):
    yearly = Monitor('UZB', 'CHN').yearly().set_index('year')

    assert yearly.index.tolist() == list(range(2010, 2024))
    assert yearly.at[2023, 'turnover'] == pytest.approx(TURNOVER_2023, abs=0.01)
    assert yearly.at[2023, 'balance'] == pytest.approx(2_486_557_300 - 11_339_099_000, abs=0.01)
    assert set(yearly.source) == {'uzstat'}


def test_report_claims_become_targets_citing_them_once(report_targets):
    target = report_targets.get(kind=Target.Kind.TARGET)
    announced = report_targets.get(kind=Target.Kind.ANNOUNCED)

    assert (target.metric, target.value_usd, target.year) == ('turnover', Decimal('20000000000.00'), None)
    assert target.claim.source.key == 'trend-2-september' and target.claim.metric == 'trade_target'
    assert (announced.value_usd, announced.year, announced.claim.metric) == (
        Decimal('14000000000.00'), ANNOUNCED_YEAR, 'trade_turnover',
    )  # fmt: skip
    assert load_demo_targets(actor=SYSTEM) == (0, 2)  # idempotent
    assert Target.objects.count() == 2
    assert ObjectChange.objects.for_record(target).get().channel == 'import'


def test_announced_14_billion_beside_the_official_2023_statistic(report_targets):
    yearly = Monitor('UZB', 'CHN').yearly()
    result = assess(report_targets.get(kind=Target.Kind.ANNOUNCED), yearly)

    assert result.official_for_year == pytest.approx(TURNOVER_2023, abs=0.01)
    assert result.difference == pytest.approx(14e9 - TURNOVER_2023, abs=0.01)  # $174.3 million above


def test_the_20_billion_target_assessed(report_targets):
    yearly = Monitor('UZB', 'CHN').yearly()
    result = assess(report_targets.get(kind=Target.Kind.TARGET), yearly, by=2028)

    assert (result.latest_year, result.by_year) == (2023, 2028)
    assert result.latest == pytest.approx(TURNOVER_2023, abs=0.01)
    assert [(row.year, round(row.required, 6)) for row in result.table] == [
        (2026, 0.130962), (2027, 0.096695), (2028, 0.076636), (2029, 0.063467),
    ]  # fmt: skip
    # back-test over 2016–2023 (21 forecasts 1–3 years ahead), each method from its origin's last
    # year: the trend beats the naive drift. Figures of an independent computation from the files
    # with numpy and scipy (docs/trade-monitor.md, "Projection and its back-test").
    trend, drift = result.backtests['log_linear_trend'], result.backtests['drift']
    assert trend.forecasts == drift.forecasts == 21
    assert (round(trend.mase, 4), round(drift.mase, 4)) == (1.4527, 1.5269)
    assert (round(trend.mape, 2), round(drift.mape, 2)) == (20.06, 21.25)
    assert result.method == 'log_linear_trend'
    assert result.chosen.parameters['annual_growth'] == pytest.approx(0.117705, abs=1e-6)
    first = result.chosen.at(2024)[0]  # the projection starts from 2023's actual value
    assert first == pytest.approx(TURNOVER_2023 * (1 + result.chosen.parameters['annual_growth']))
    central, lower, upper = result.chosen.at(2028)
    assert (round(central / 1e9, 2), round(lower / 1e9, 2), round(upper / 1e9, 2)) == (24.12, 17.44, 33.35)
    assert result.status == 'on_track' and result.reaches_in == 2027
    assert [row.status for row in result.table] == ['at_risk', 'on_track', 'on_track', 'on_track']
    split = {row.assumption: row for row in result.split}
    assert split['keep_coverage'].exports_growth == pytest.approx(0.076636, abs=1e-6)
    assert split['keep_balance'].exports_growth == pytest.approx(0.175194, abs=1e-6)
    assert split['keep_balance'].imports_growth == pytest.approx(0.049337, abs=1e-6)
    path = target_path(result)
    assert path[0] == {'year': 2023, 'value': result.latest} and path[-1]['value'] == pytest.approx(20e9)


def test_target_rules(uzbekistan, china):
    with pytest.raises(ValidationError) as error:
        create_target(
            kind='announced', metric='turnover', reporter=uzbekistan, partner=china, value_usd=1, actor=SYSTEM
        )
    assert 'year' in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create_target(metric='exports', reporter=uzbekistan, partner=china, value_usd=0, actor=SYSTEM)
    assert 'value_usd' in error.value.message_dict
    balance = create_target(
        metric='balance', reporter=uzbekistan, partner=china, value_usd=Decimal('-4e9'), year=2030, actor=SYSTEM
    )
    assert balance.value_usd == Decimal('-4000000000')


#
# Illustrative products
#


def test_illustrative_products_add_up_to_the_official_totals_to_the_cent(official):
    report = generate_illustrative_products(actor=SYSTEM)
    assert report.count('new') == 14  # 7 years × 2 flows

    flows = engine.flows()
    generated = flows.filter(flows.source == 'illustrative-hs6')
    sums = generated.group_by(['flow', 'year']).aggregate(usd=generated.value_usd.sum()).execute()
    official_yearly = Monitor('UZB', 'CHN').yearly().set_index('year')
    for record in sums.itertuples():
        column = 'exports' if record.flow == 'X' else 'imports'
        assert round(record.usd, 2) == round(official_yearly.at[record.year, column], 2)
    assert generated.filter(~generated.illustrative).count().execute() == 0
    codes = set(generated.product.execute())
    assert codes <= set(HSCode.objects.filter(edition='2017', level=6).values_list('code', flat=True))
    assert {'271121', '740311', '847130'} <= codes
    # never part of the official figures
    assert Monitor('UZB', 'CHN').yearly().turnover.round(2).tolist() == official_yearly.turnover.round(2).tolist()
    top = Monitor('UZB', 'CHN').top_products(direction='X', n=3)
    assert top.illustrative.all() and top['product'].iloc[0] in {'271121', '740311'}


def test_illustrative_products_are_deterministic_and_idempotent(official):
    generate_illustrative_products(actor=SYSTEM)
    before = catalogue.store_checksum()

    again = generate_illustrative_products(actor=SYSTEM)

    assert again.count('unchanged') == 14 and again.count('new') == again.count('replaced') == 0
    assert catalogue.store_checksum() == before


def test_generator_needs_the_official_totals(trade_data_dir, db):
    with pytest.raises(OfficialTotalsMissing):
        generate_illustrative_products(actor=SYSTEM)
