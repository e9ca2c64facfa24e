"""Currency conversion that says which rate it used, and refuses when no rate covers the date.

Rule (docs/reference-data.md): for a currency other than USD, the monthly average of the month
of the value date is used when the project has one (CNY: Federal Reserve H.10; UZS: Central
Bank of Uzbekistan), otherwise the IMF annual average of that year. Between two non-USD
currencies the conversion goes through USD with both rates stated. Nothing is extrapolated:
a date outside every series is an error.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext as _

from core.models import ExchangeRate

USD = 'USD'
CENT = Decimal('0.01')
FREQUENCY_PREFERENCE = (ExchangeRate.Frequency.MONTHLY, ExchangeRate.Frequency.ANNUAL)


class RateUnavailable(Exception):
    """No exchange rate of the currency covers the date."""

    code = 'fx_rate_unavailable'

    def __init__(self, currency: str, on: datetime.date, coverage: str):
        self.currency, self.on, self.coverage = currency, on, coverage
        super().__init__(
            _('No %(currency)s per USD rate covers %(date)s (available: %(coverage)s); the amount cannot be converted.')
            % {'currency': currency, 'date': on.isoformat(), 'coverage': coverage}
        )


@dataclass(frozen=True)
class RateUsed:
    currency: str
    per_usd: Decimal
    frequency: str
    period: str
    source: str
    dataset_key: str

    @classmethod
    def from_rate(cls, rate: ExchangeRate) -> 'RateUsed':
        return cls(
            currency=rate.currency_id,
            per_usd=rate.per_usd.normalize(),
            frequency=rate.get_frequency_display(),
            period=rate.period_label,
            source=rate.dataset.title,
            dataset_key=rate.dataset.key,
        )


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    target: str
    on: datetime.date
    result: Decimal
    rates: tuple[RateUsed, ...]

    @property
    def explanation(self) -> str:
        parts = [
            f'{rate.per_usd} {rate.currency} per USD ({rate.frequency} {rate.period}; {rate.source})'
            for rate in self.rates
        ]
        return '; '.join(parts) if parts else 'same currency'


def rate_for(currency: str, on: datetime.date) -> ExchangeRate:
    rates = {rate.frequency: rate for rate in ExchangeRate.objects.covering(currency, on).select_related('dataset')}
    for frequency in FREQUENCY_PREFERENCE:
        if frequency in rates:
            return rates[frequency]
    raise RateUnavailable(currency, on, describe_coverage(currency))


def describe_coverage(currency: str) -> str:
    """The periods the currency's rates cover, per frequency, as runs without gaps: a series
    with missing years must not read as if it covered them ("annual average 1995-01 – 2000-12,
    2013-01 – 2024-12")."""
    periods = ExchangeRate.objects.filter(currency_id=currency).order_by('frequency', 'period_start')
    runs: dict[str, list[list[datetime.date]]] = {}
    for frequency, start, end in periods.values_list('frequency', 'period_start', 'period_end'):
        spans = runs.setdefault(frequency, [])
        if spans and start <= spans[-1][1] + datetime.timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    described = [
        f'{ExchangeRate.Frequency(frequency).label} '
        + ', '.join(f'{start:%Y-%m} – {end:%Y-%m}' for start, end in spans)
        for frequency, spans in sorted(runs.items())
    ]
    return '; '.join(described) or _('none')


def to_cents(value: Decimal) -> Decimal:
    """Round half to even, so that rounding errors do not accumulate in one direction in sums."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def convert(amount: Decimal, currency: str, on: datetime.date, target: str = USD) -> Conversion:
    """Convert `amount` of `currency` on date `on` into `target`, rounded to the cent."""
    currency, target = currency.upper(), target.upper()
    if currency == target:
        return Conversion(amount, currency, target, on, to_cents(amount), ())
    rates: list[ExchangeRate] = []
    usd = amount
    if currency != USD:
        rate = rate_for(currency, on)
        rates.append(rate)
        usd = amount / rate.per_usd
    result = usd
    if target != USD:
        rate = rate_for(target, on)
        rates.append(rate)
        result = usd * rate.per_usd
    return Conversion(
        amount=amount,
        currency=currency,
        target=target,
        on=on,
        result=to_cents(result),
        rates=tuple(RateUsed.from_rate(rate) for rate in rates),
    )
