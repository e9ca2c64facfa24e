"""Targets of bilateral trade and announced figures for past years, as data.

A target ("$20 billion") and an announced actual ("$14 billion in the preceding fiscal year") are
both figures somebody stated for a pair of countries; each cites the claim it comes from, so the
monitor shows them with their source and beside the official statistics, never in place of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hamkor.models import ChangeLoggedModel

__all__ = ['Target']


class Target(ChangeLoggedModel):
    class Kind(models.TextChoices):
        TARGET = 'target', _('Target')
        ANNOUNCED = 'announced', _('Announced figure for a past year')

    class Metric(models.TextChoices):
        TURNOVER = 'turnover', _('Turnover (exports + imports)')
        EXPORTS = 'exports', _('Exports')
        IMPORTS = 'imports', _('Imports')
        BALANCE = 'balance', _('Balance (exports − imports)')

    kind = models.CharField(_('kind'), max_length=10, choices=Kind.choices, default=Kind.TARGET)
    metric = models.CharField(_('metric'), max_length=10, choices=Metric.choices)
    reporter = models.ForeignKey(
        'core.Country', on_delete=models.PROTECT, to_field='iso3', related_name='+', verbose_name=_('reporter')
    )
    partner = models.ForeignKey(
        'core.Country', on_delete=models.PROTECT, to_field='iso3', related_name='+', verbose_name=_('partner')
    )
    value_usd = models.DecimalField(_('value (USD)'), max_digits=20, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _('year'), null=True, blank=True, help_text=_('The year it refers to; empty when no year is stated.')
    )
    claim = models.ForeignKey(
        'sources.Claim',
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='trade_targets',
        verbose_name=_('announced in'),
    )
    note = models.TextField(
        _('note'), blank=True, help_text=_('How the figure was read, e.g. which year "the preceding year" is.')
    )

    class Meta:
        ordering = ['kind', 'reporter', 'partner', 'metric', 'year']
        verbose_name = _('trade target')
        verbose_name_plural = _('trade targets')
        constraints = [
            models.CheckConstraint(
                condition=models.Q(metric='balance') | models.Q(value_usd__gt=0),
                name='trade_target_value_positive',
                violation_error_message=_('A target of turnover, exports or imports must be above zero.'),
            ),
            models.CheckConstraint(
                condition=models.Q(kind='target') | models.Q(year__isnull=False),
                name='trade_target_announced_has_year',
                violation_error_message=_('An announced figure for a past year needs its year.'),
            ),
            models.CheckConstraint(
                condition=~models.Q(reporter=models.F('partner')),
                name='trade_target_two_countries',
                violation_error_message=_('The partner must be another country.'),
            ),
        ]

    def __str__(self):
        year = f' ({self.year})' if self.year else ''
        return f'{self.get_kind_display()}: {self.reporter_id}–{self.partner_id} {self.metric} {self.value_usd}{year}'
