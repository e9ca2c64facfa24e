from decimal import Decimal


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 60.00 -> "60", 33.50 -> "33.5"."""
    return format(value.normalize(), 'f')
