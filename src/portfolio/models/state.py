"""The portfolio's state token: replaced by every write that can change a total, so that totals
computed for one token can be reused until the next write (see selectors.cached)."""

import uuid

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class PortfolioState(models.Model):
    """A single row whose token changes with every write that can change a portfolio total."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _('portfolio state')

    def __str__(self):
        return self.token


def current_token() -> str:
    return PortfolioState.objects.filter(pk=1).values_list('token', flat=True).first() or 'initial'


def replace_token() -> None:
    """A random token rather than a counter: after a rolled-back transaction restores an old
    value, the next write still produces a token no cached result was computed for."""
    with transaction.atomic():
        PortfolioState.objects.update_or_create(pk=1, defaults={'token': uuid.uuid4().hex})
