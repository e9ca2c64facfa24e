"""A project's money: transactions (what makes its value) and the planned amounts shown beside it
(IATI 2.03 `transaction`, `budget`, `planned-disbursement`)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hamkor.fields import AmountField
from hamkor.models import ChangeLoggedModel
from organizations.models import Organization
from portfolio.choices import BudgetStatus, BudgetType, FinanceType, FlowClass, TransactionType
from portfolio.models.projects import PartOfProject, Project


class Transaction(PartOfProject, ChangeLoggedModel):
    """Money of a project: a pledge, commitment, disbursement, … in its own currency, with its
    USD value at the value date and the rate used. An amount that cannot be converted keeps
    `value_usd` empty and is reported as such, never counted as zero."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='transactions')
    type = models.CharField(_('type'), max_length=2, choices=TransactionType.choices)
    # Of any sign, as in IATI: a negative amount reverses or corrects earlier ones of its type (a
    # reversed disbursement reduces the disbursements, a negative commitment the commitments), a
    # zero one records that nothing was committed or paid. What a project's value adds up to may
    # not be negative (portfolio.aggregation).
    value = AmountField(
        _('value'), help_text=_('Negative for a reversal or a correction of earlier amounts of this type.')
    )
    currency = models.ForeignKey(
        'core.Currency',
        on_delete=models.PROTECT,
        to_field='code',
        db_column='currency_code',
        verbose_name=_('currency'),
    )
    value_date = models.DateField(_('value date'))
    finance_type = models.CharField(_('finance type'), max_length=4, choices=FinanceType.choices, blank=True)
    flow_class = models.CharField(
        _('flow class'), max_length=14, choices=FlowClass.choices, blank=True, help_text=_('Blank: not stated.')
    )
    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='provided_transactions',
        verbose_name=_('financier'),
    )
    description = models.CharField(_('description'), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        'self',
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name='supersedes',
        verbose_name=_('superseded by'),
        help_text=_('A revision replaces this amount; it no longer counts.'),
    )
    passes_on = models.ForeignKey(
        'self',
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='passed_on_by',
        verbose_name=_('passes on'),
        help_text=_(
            'An outgoing commitment that on-lends an incoming commitment of this project names it: the money '
            'is counted once, as the incoming commitment, and credited to its original financier.'
        ),
    )
    interest_rate = models.DecimalField(_('interest rate (%)'), max_digits=6, decimal_places=3, null=True, blank=True)
    maturity_years = models.DecimalField(_('maturity (years)'), max_digits=5, decimal_places=1, null=True, blank=True)
    grace_years = models.DecimalField(_('grace period (years)'), max_digits=5, decimal_places=1, null=True, blank=True)
    value_usd = AmountField(_('value (USD)'), null=True, editable=False)
    fx_rate = models.DecimalField(_('rate used'), max_digits=40, decimal_places=24, null=True, editable=False)
    fx_note = models.CharField(_('conversion'), max_length=300, blank=True, editable=False)
    counts_in_value = models.BooleanField(
        _("counts in the project's value"),
        default=False,
        editable=False,
        help_text=_('Set by the aggregation rules: a current commitment (or, without commitments, pledge).'),
    )

    change_log_exclude = ('last_updated', 'counts_in_value')

    class Meta:
        ordering = ['value_date', 'id']
        verbose_name = _('transaction')
        verbose_name_plural = _('transactions')
        indexes = [models.Index(fields=['project', 'type'], name='portfolio_tx_project_type_idx')]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passes_on__isnull=True) | models.Q(type=TransactionType.OUTGOING_COMMITMENT),
                name='portfolio_transaction_passes_on_outgoing',
                violation_error_message=_('Only an outgoing commitment passes on an incoming commitment.'),
            ),
        ]

    def __str__(self):
        return f'{self.get_type_display()} {self.value} {self.currency_id} ({self.value_date})'

    def clean(self):
        super().clean()
        passed = self.passes_on
        if passed is None:
            return
        if self.type != TransactionType.OUTGOING_COMMITMENT:
            raise ValidationError({'passes_on': _('Only an outgoing commitment passes on an incoming commitment.')})
        if (
            passed.pk == self.pk
            or passed.project_id != self.project_id
            or passed.type != TransactionType.INCOMING_COMMITMENT
        ):
            raise ValidationError(
                {'passes_on': _('An amount can only pass on an incoming commitment of the same project.')}
            )
        if self.currency_id != passed.currency_id or (self.value is not None and self.value > passed.value):
            raise ValidationError(
                {
                    'passes_on': _(
                        'An on-lent amount passes on at most the incoming commitment it names, in its currency '
                        '(%(value)s %(currency)s); record any more as a commitment of its own.'
                    )
                    % {'value': f'{passed.value:,}', 'currency': passed.currency_id}
                }
            )


def one_year_after(day: datetime.date) -> datetime.date:
    """The same calendar day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class PlannedAmount(PartOfProject, ChangeLoggedModel):
    """Money planned for a period, in its own currency, with its USD value at the value date and
    the rate used (as for transactions: an amount no rate covers keeps `value_usd` empty and is
    flagged, never counted as zero).

    Planned amounts are shown with the project but never make the portfolio's value: the
    aggregates count what was committed or pledged (docs/portfolio-aggregation.md).
    """

    period_start = models.DateField(_('period start'))
    period_end = models.DateField(_('period end'), null=True, blank=True)
    value = AmountField(_('value'), validators=[MinValueValidator(Decimal('0.01'))])
    currency = models.ForeignKey(
        'core.Currency', on_delete=models.PROTECT, to_field='code', db_column='currency_code',
        related_name='+', verbose_name=_('currency'),
    )  # fmt: skip
    value_date = models.DateField(
        _('value date'), help_text=_('The date whose exchange rate converts the amount; usually the period start.')
    )
    value_usd = AmountField(_('value (USD)'), null=True, editable=False)
    fx_rate = models.DecimalField(_('rate used'), max_digits=40, decimal_places=24, null=True, editable=False)
    fx_note = models.CharField(_('conversion'), max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError({'period_end': _('The period must end after it starts.')})


class Budget(PlannedAmount):
    """What a project expects to spend in a period of at most a year (IATI `budget`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='budgets')
    type = models.CharField(_('type'), max_length=1, choices=BudgetType.choices, default=BudgetType.ORIGINAL)
    status = models.CharField(_('status'), max_length=1, choices=BudgetStatus.choices, default=BudgetStatus.INDICATIVE)
    period_end = models.DateField(_('period end'))

    class Meta:
        ordering = ['period_start', 'type', 'id']
        verbose_name = _('budget')
        verbose_name_plural = _('budgets')
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name='portfolio_budget_value_positive'),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F('period_start')),
                name='portfolio_budget_period_order',
                violation_error_message=_('The period must end after it starts.'),
            ),
        ]

    def __str__(self):
        return f'{self.get_type_display()} {self.value:,} {self.currency_id} ({self.period_start} – {self.period_end})'

    def clean(self):
        super().clean()
        # IATI: a budget period must not be longer than one year; a multi-year budget is
        # reported as one budget per year (or shorter period), so the years can be compared.
        if self.period_start and self.period_end and self.period_end >= one_year_after(self.period_start):
            raise ValidationError(
                {
                    'period_end': _(
                        'A budget period may not be longer than one year (IATI rule: report a multi-year budget '
                        'as one budget per year); this one runs from %(start)s to %(end)s.'
                    )
                    % {'start': self.period_start.isoformat(), 'end': self.period_end.isoformat()}
                }
            )


class PlannedDisbursement(PlannedAmount):
    """A payment expected in a period, from a provider to a receiver (IATI `planned-disbursement`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='planned_disbursements')
    type = models.CharField(_('type'), max_length=1, choices=BudgetType.choices, blank=True)
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name='planned_provided',
        verbose_name=_('provider'),
    )  # fmt: skip
    receiver = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name='planned_received',
        verbose_name=_('receiver'),
    )  # fmt: skip

    class Meta:
        ordering = ['period_start', 'id']
        verbose_name = _('planned disbursement')
        verbose_name_plural = _('planned disbursements')
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gt=0), name='portfolio_planned_disbursement_value_positive'
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True) | models.Q(period_end__gt=models.F('period_start')),
                name='portfolio_planned_disbursement_period_order',
                violation_error_message=_('The period must end after it starts.'),
            ),
        ]

    def __str__(self):
        period = f'{self.period_start} – {self.period_end}' if self.period_end else str(self.period_start)
        return f'{self.value:,} {self.currency_id} ({period})'
