from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def usd(value) -> str:
    """An amount in US dollars, to the cent, with the locale's digit grouping."""
    if value is None or value == '':
        return '—'
    if Decimal(value) < 0:
        return '−' + usd(-Decimal(value))
    return '$' + number_format(Decimal(value).quantize(Decimal('0.01')), decimal_pos=2, force_grouping=True)


@register.filter
def claimed(claim, value=None) -> str:
    """An announced figure in words of scale with its comparator ("more than $60 billion");
    `value` stands for the claim's own where a page shows another (a target's)."""
    return claim.compared(usd_short(claim.value_usd if value is None else value))


@register.filter
def usd_short(value) -> str:
    """A large amount in words of scale: $60 billion, $1.33 billion, $450 million (in Chinese,
    in units of 亿 = 10⁸ and 万 = 10⁴, as Chinese writes money: 600亿美元); a smaller one in
    whole dollars ($950,000), as cents would be false precision beside rounded millions."""
    if value is None:
        return '—'
    amount = Decimal(value)
    if amount < 0:
        return '−' + usd_short(-amount)
    if (get_language() or '').startswith('zh'):
        for size, label in ((Decimal('1e8'), '亿'), (Decimal('1e4'), '万')):
            if abs(amount) >= size:
                return f'{number_format((amount / size).quantize(Decimal("0.01")).normalize())}{label}美元'
        return _whole_dollars(amount)
    for size, label in ((Decimal('1e9'), _('billion')), (Decimal('1e6'), _('million'))):
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal('0.01')).normalize()
            return f'${number_format(scaled)} {label}'
    return _whole_dollars(amount)


def _whole_dollars(amount: Decimal) -> str:
    return '$' + number_format(amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP), force_grouping=True)


@register.filter
def percent(value) -> str:
    if value is None or not Decimal(value).is_finite():
        return '—'
    rounded = (Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=1) + ' %'


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
