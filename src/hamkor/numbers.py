"""Numbers as the reader's language writes them, from the Unicode CLDR (Babel): one layer for
money, money in words of scale, percentages and counts, used by the pages, the charts and the
downloads' headers.

Rules kept everywhere: one minus sign (U+2212, never a hyphen); the dollar is "$" in every
language (CLDR writes "US$" where a language has a dollar of its own, which no reader here
does); Chinese writes large money in 亿 (10⁸) and 万 (10⁴) of 美元, as it is written in
Chinese; amounts in words of scale keep two decimals at most (no false precision beside
rounded billions), exact amounts two.
"""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_decimal
from django.utils.translation import get_language

MINUS = '\u2212'
# Django's language codes → CLDR locales (Uzbek here is written in Latin script)
LOCALES = {'en': 'en', 'ru': 'ru', 'zh-hans': 'zh_Hans_CN', 'uz': 'uz_Latn'}
CENT = Decimal('0.01')
WHOLE = Decimal('1')
MILLION = Decimal('1e6')


def locale(language: str | None = None) -> str:
    language = (language or get_language() or 'en').lower()
    return LOCALES.get(language, LOCALES.get(language.split('-')[0], 'en'))


def _signed(text: str) -> str:
    return text.replace('-', MINUS)


def _dollar(text: str) -> str:
    return text.replace('US$', '$')


def money(value, *, digits: int = 2) -> str:
    """An exact amount of US dollars: "$1,234,567.50", "1 234 567,50 $"."""
    amount = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    pattern = None if digits == 2 else _currency_pattern(digits)
    text = format_currency(amount, 'USD', format=pattern, locale=locale(), currency_digits=digits == 2)
    return _signed(_dollar(text))


def _currency_pattern(digits: int) -> str:
    pattern = Locale.parse(locale()).currency_formats['standard'].pattern.split(';')[0]
    return pattern.replace('0.00', '0' + ('.' + '0' * digits if digits else ''))


def money_compact(value) -> str:
    """A large amount in words of scale: "$13.83 billion", "13,83 млрд $", "138.26亿美元",
    "13,83 mlrd $"; below a million, whole dollars."""
    amount = Decimal(value)
    if abs(amount) < MILLION:
        return money(amount.quantize(WHOLE, rounding=ROUND_HALF_UP), digits=0)
    where = locale()
    if where == 'en':  # the long words read best in English prose: $13.83 billion
        text = '$' + format_compact_decimal(amount, format_type='long', fraction_digits=2, locale=where)
    elif where.startswith('zh'):
        text = format_compact_decimal(amount, format_type='long', fraction_digits=2, locale=where) + '美元'
    else:
        text = _dollar(format_compact_currency(amount, 'USD', fraction_digits=2, locale=where))
    if text.startswith('$-'):
        text = '-$' + text[2:]
    return _signed(text)


def percent(value, *, digits: int = 1) -> str:
    """A share or a rate (0.6913 → "69.1%", "69,1 %"), with the locale's percent pattern."""
    rounded = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    pattern = Locale.parse(locale()).percent_formats[None].pattern.split(';')[0]
    number = format_decimal(rounded, format='#,##0' + ('.' + '0' * digits if digits else ''), locale=locale())
    return _signed(pattern.replace('#,##0', '{}').replace('#,#0', '{}').format(number))


# Above this rate (tenfold and more) a growth says more about how small the base was than about
# the change: it is shown as "n/m" (not meaningful) with the base, as trade databases do.
MEANINGFUL_GROWTH = Decimal(10)


def growth_is_meaningful(rate, base) -> bool:
    return base is not None and Decimal(base) > 0 and abs(Decimal(rate)) <= MEANINGFUL_GROWTH


def count(value) -> str:
    """A whole number with the locale's grouping: "12,345", "12 345"."""
    return _signed(format_decimal(int(value), locale=locale()))


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 60.00 -> "60", 33.50 -> "33.5"."""
    return format(value.normalize(), 'f')


def byte_size(count: int) -> str:
    """A size in bytes for an operator's message: '812 bytes', '4.2 MB' (decimal units)."""
    if count < 1000:
        return f'{count} bytes'
    value = float(count)
    for unit in ('kB', 'MB', 'GB', 'TB'):
        value /= 1000
        if value < 1000 or unit == 'TB':
            return f'{value:.1f} {unit}'
    raise AssertionError('unreachable')


def chart_locale(language: str | None = None) -> dict:
    """The d3-format locale of the reader's language for Vega (tooltips, axes of shares): the
    same CLDR symbols as the pages, the dollar where CLDR puts the currency, one minus sign."""
    where = Locale.parse(locale(language))
    symbols = where.number_symbols['latn']
    currency = where.currency_formats['standard'].pattern.split(';')[0]
    before, after = currency.split('#', 1)[0], currency.rsplit('0', 1)[1]
    percent_pattern = where.percent_formats[None].pattern.split(';')[0]
    return {
        'decimal': symbols['decimal'],
        'thousands': symbols['group'],
        'grouping': [3],
        'currency': [before.replace('¤', '$'), after.replace('¤', '$')],
        'percent': percent_pattern.rsplit('0', 1)[1],
        'minus': MINUS,
    }


def compact_money_scales(language: str | None = None) -> list[tuple[int, str]]:
    """Money in words of scale for chart axes, largest first, as (divisor, template with {} for
    the number): "${}B", "{} млрд $", "{}亿美元", "{} mlrd $" (CLDR's short compact forms; Chinese
    counts in 万 and 亿 of 美元, as money_compact writes it)."""
    where = locale(language)
    parsed = Locale.parse(where)
    chinese = where.startswith('zh')
    forms = (parsed.compact_decimal_formats if chinese else parsed.compact_currency_formats)['short']['other']
    scales = []
    for magnitude, form in forms.items():
        pattern = form.pattern.replace("'", '')
        digits = pattern.count('0')
        if digits != 1:  # "00 млрд ¤" and "000 млрд ¤" are the same scale as "0 млрд ¤"
            continue
        template = pattern.replace('0', '{}').replace('¤', '$')
        if chinese:
            if template == '{}':
                continue
            template += '美元'
        scales.append((int(magnitude), template))
    return sorted(scales, reverse=True)
