from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

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


@register.simple_tag
def growth(rate, base):
    """A growth rate, or "n/m" where the base is nothing or so small that the rate is more than
    tenfold (49,900 % from $2,000), with the base in the tooltip."""
    if rate is None or not Decimal(rate).is_finite():
        return '—'
    if numbers.growth_is_meaningful(rate, base):
        return numbers.percent(rate)
    title = _('not meaningful: from %(base)s') % {'base': usd_short(base or 0)}
    return format_html('<abbr class="not-meaningful" title="{}">{}</abbr>', title, _('n/m'))


@register.filter
def count(value) -> str:
    """A count with the reader's digit grouping."""
    return '—' if value is None else numbers.count(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
