"""Exchange rates: monthly CNY and UZS per USD, annual rates of every currency."""

import datetime
from collections import Counter, defaultdict
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

from core.models import (
    Currency,
    ExchangeRate,
    ReferenceDataset,
)
from core.reference.loading import (
    DatasetSpec,
    LoadResult,
    ReferenceDataError,
    read_csv,
    upsert,
)

# ExchangeRate.per_usd holds 16 integer and 24 decimal digits: room for the smallest
# historical rates (old Brazilian and Argentine currencies, ~1e-14) and the largest (~7e9).
RATE_QUANTUM = Decimal('1e-24')
RATE_LIMIT = Decimal('1e16')
RATE_CONTEXT = Context(prec=60)


def parse_rate(path: Path, where: str, column: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a number') from None
    if not value.is_finite() or value <= 0 or value >= RATE_LIMIT:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a positive rate below {RATE_LIMIT:.0e}')
    return value.quantize(RATE_QUANTUM, context=RATE_CONTEXT)


def month_end(start: datetime.date) -> datetime.date:
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def rate_rows(
    dataset: ReferenceDataset, currency: str, frequency: str, rates: dict[datetime.date, Decimal]
) -> list[ExchangeRate]:
    return [
        ExchangeRate(
            currency_id=currency,
            frequency=frequency,
            period_start=start,
            period_end=month_end(start) if frequency == 'M' else start.replace(month=12, day=31),
            per_usd=value,
            dataset=dataset,
        )
        for start, value in sorted(rates.items())
    ]


def save_rates(spec: DatasetSpec, rows: list[ExchangeRate], notes: list[str] | None = None) -> LoadResult:
    created, updated = upsert(
        ExchangeRate, rows, ['currency', 'frequency', 'period_start'], ['period_end', 'per_usd', 'dataset']
    )
    return LoadResult(spec.key, len(rows), created, updated, notes or [])


def load_fred_cny(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rates: dict[datetime.date, Decimal] = {}
    for line, row in read_csv(path, required=['Date', 'Exchange rate']):
        where = f'line {line}'
        start = parse_date(path, where, 'Date', row['Date'])
        if start.day != 1:
            raise ReferenceDataError(path, where, 'Date', 'a monthly rate must be dated on the 1st')
        if start in rates:
            raise ReferenceDataError(path, where, 'Date', f'{start} appears twice')
        rates[start] = parse_rate(path, where, 'Exchange rate', row['Exchange rate'])
    return save_rates(spec, rate_rows(dataset, 'CNY', 'M', rates))


# The compilation's README documents the monthly data as 2016M01–2025M09; later rows of the
# file are model projections and are not exchange rates that were observed.
CBU_LAST_OBSERVED_MONTH = datetime.date(2025, 9, 1)


def load_cbu_uzs(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rates: dict[datetime.date, Decimal] = {}
    skipped = 0
    for line, row in read_csv(path, delimiter=';', required=['DATE', 's']):
        where = f'line {line}'
        text = row['DATE'].strip()
        try:
            start = datetime.date(int(text[:4]), int(text[5:]), 1)
            if text[4] != 'M':
                raise ValueError
        except (ValueError, IndexError):
            raise ReferenceDataError(path, where, 'DATE', f'{text!r} is not a month like 2016M01') from None
        if start > CBU_LAST_OBSERVED_MONTH:
            skipped += 1
            continue
        rates[start] = parse_rate(path, where, 's', row['s'])
    notes = [f'{skipped} months after {CBU_LAST_OBSERVED_MONTH:%Y-%m} not loaded: projections, not observations']
    return save_rates(spec, rate_rows(dataset, 'UZS', 'M', rates), notes)


def load_imf_annual(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    """Annual averages for every currency in the Currency table.

    Where several reference areas report the same currency (the euro by the euro area and by
    Andorra, Kosovo, …) with slightly different averages, the value reported by the most areas
    is taken, and on a tie the one of the area whose code sorts first. Rows of currencies that
    ISO 4217 no longer lists (pre-euro national currencies and the like) are counted and named.
    """
    known = set(Currency.objects.values_list('code', flat=True))
    reported: dict[tuple[str, datetime.date], list[tuple[str, Decimal]]] = defaultdict(list)
    unknown: Counter = Counter()
    for line, row in read_csv(path, required=['Date', 'Rate', 'Currency', 'Frequency', 'Country code']):
        where = f'line {line}'
        if row['Frequency'].strip() != 'A':
            raise ReferenceDataError(path, where, 'Frequency', f'expected A, got {row["Frequency"]!r}')
        currency = row['Currency'].strip()
        end = parse_date(path, where, 'Date', row['Date'])
        if (end.month, end.day) != (12, 31):
            raise ReferenceDataError(path, where, 'Date', 'an annual rate must be dated on 31 December')
        value = parse_rate(path, where, 'Rate', row['Rate'])
        if currency not in known:
            unknown[currency] += 1
            continue
        reported[(currency, end.replace(month=1, day=1))].append((row['Country code'].strip(), value))
    by_currency: dict[str, dict[datetime.date, Decimal]] = defaultdict(dict)
    for (currency, start), values in reported.items():
        counts = Counter(value for _, value in values)
        best = max(counts.values())
        by_currency[currency][start] = min((area, value) for area, value in values if counts[value] == best)[1]
    rows = [row for currency, rates in sorted(by_currency.items()) for row in rate_rows(dataset, currency, 'A', rates)]
    notes = []
    if unknown:
        listed = ', '.join(f'{code} ({count})' for code, count in sorted(unknown.items()))
        notes.append(f'{sum(unknown.values())} rows of currencies not in ISO 4217 not loaded: {listed}')
    return save_rates(spec, rows, notes)


def parse_date(path: Path, where: str, column: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a date (YYYY-MM-DD)') from None
