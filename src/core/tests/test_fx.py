import datetime
from decimal import Decimal

import pytest

from core.fx import RateUnavailable, convert

pytestmark = pytest.mark.django_db


def test_cny_uses_the_monthly_federal_reserve_rate_of_the_month():
    conversion = convert(Decimal('1000'), 'CNY', datetime.date(2023, 6, 15))

    assert conversion.result == Decimal('139.64')
    assert [(r.currency, r.per_usd, r.frequency, r.period, r.dataset_key) for r in conversion.rates] == [
        ('CNY', Decimal('7.1614'), 'monthly average', '2023-06', 'fx-cny-monthly')
    ]
    assert conversion.explanation == (
        '7.1614 CNY per USD (monthly average 2023-06; CNY per USD, monthly average (Federal Reserve H.10, FRED EXCHUS))'
    )


def test_uzs_uses_the_central_bank_monthly_rate():
    conversion = convert(Decimal('1000000'), 'UZS', datetime.date(2024, 3, 10))

    assert conversion.result == Decimal('79.68')
    assert conversion.rates[0].per_usd == Decimal('12550.28')
    assert conversion.rates[0].dataset_key == 'fx-uzs-monthly'


def test_falls_back_to_the_imf_annual_average_where_no_monthly_rate_exists():
    conversion = convert(Decimal('1000000'), 'UZS', datetime.date(2014, 5, 1))

    assert conversion.result == Decimal('432.72')
    assert (conversion.rates[0].frequency, conversion.rates[0].period) == ('annual average', '2014')
    assert conversion.rates[0].dataset_key == 'fx-annual'


def test_refuses_a_date_no_series_covers_and_states_the_coverage_with_its_gaps():
    # The IMF annual file has UZS rates for 1995-2000 and 2013-2024 (none for 2001-2012); the
    # monthly series runs from January 2016 to September 2025.
    with pytest.raises(RateUnavailable) as raised:
        convert(Decimal('100'), 'UZS', datetime.date(2005, 1, 1))

    assert str(raised.value) == (
        'No UZS per USD rate covers 2005-01-01 (available: annual average 1995-01 – 2000-12, 2013-01 – 2024-12; '
        'monthly average 2016-01 – 2025-09); the amount cannot be converted.'
    )


def test_refuses_the_projected_months_that_were_not_loaded():
    with pytest.raises(RateUnavailable):
        convert(Decimal('100'), 'UZS', datetime.date(2025, 11, 1))


def test_between_two_currencies_goes_through_usd_and_states_both_rates():
    conversion = convert(Decimal('1000'), 'CNY', datetime.date(2024, 3, 10), target='UZS')

    assert conversion.result == Decimal('1742731.38')
    assert [rate.currency for rate in conversion.rates] == ['CNY', 'UZS']


def test_same_currency_needs_no_rate():
    conversion = convert(Decimal('12.345'), 'usd', datetime.date(1900, 1, 1))

    assert (conversion.result, conversion.rates) == (Decimal('12.34'), ())  # half to even


def test_shared_currency_takes_the_rate_most_reference_areas_report():
    # IMF reports the 2023 euro average as 0.924709622987356 for Andorra, Kosovo and
    # Montenegro and as 0.9248395584706975 for the euro area: the majority value is used.
    conversion = convert(Decimal('500'), 'USD', datetime.date(2023, 7, 1), target='EUR')

    assert conversion.result == Decimal('462.35')
    assert conversion.rates[0].per_usd == Decimal('0.924709622987356')
