from decimal import Decimal

from django import template

from hamkor import numbers

register = template.Library()


@register.filter
def usd(value) -> str:
    """An exact amount in US dollars, to the cent, as the reader's language writes it (hamkor.numbers)."""
    if value is None or value == '':
        return '—'
    return numbers.money(value)


@register.filter
def claimed(claim, value=None) -> str:
    """An announced figure in words of scale with its comparator ("more than $60 billion");
    `value` stands for the claim's own where a page shows another (a target's)."""
    return claim.compared(usd_short(claim.value_usd if value is None else value))


@register.filter
def usd_short(value) -> str:
    """A large amount in words of scale ($60 billion, 60 млрд $, 600亿美元); below a million,
    whole dollars, as cents would be false precision beside rounded millions."""
    if value is None:
        return '—'
    return numbers.money_compact(value)


@register.filter
def percent(value) -> str:
    if value is None or not Decimal(value).is_finite():
        return '—'
    return numbers.percent(value)


@register.filter
def count(value) -> str:
    """A count with the reader's digit grouping."""
    return '—' if value is None else numbers.count(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
