"""The portfolio's state token: replaced by every write that can change a total, so that totals
computed for one token can be reused until the next write (see selectors.cached)."""

import uuid

from django.db import transaction


def current_token() -> str:
    from portfolio.models import PortfolioState

    return PortfolioState.objects.filter(pk=1).values_list('token', flat=True).first() or 'initial'


def replace_token() -> None:
    """A random token rather than a counter: after a rolled-back transaction restores an old
    value, the next write still produces a token no cached result was computed for."""
    from portfolio.models import PortfolioState

    with transaction.atomic():
        PortfolioState.objects.update_or_create(pk=1, defaults={'token': uuid.uuid4().hex})
