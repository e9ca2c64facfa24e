from decimal import Decimal


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
