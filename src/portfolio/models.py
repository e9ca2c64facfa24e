import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import CodelistItem
from hamkor.models import ChangeLoggedMixin, ChangeLoggedModel, localized
from organizations.models import Organization
from portfolio.choices import (
    FinanceType,
    ParticipantRole,
    ProjectStatus,
    Region,
    Stage,
    TransactionType,
    ValueBasis,
    Visibility,
)
from portfolio.querysets import ProjectQuerySet


class CooperationSector(models.Model):
    """A sector of the cooperation's own list (green energy, geology, …), kept as data."""

    code = models.SlugField(_('code'), max_length=40, unique=True)
    name_en = models.CharField(_('name (English)'), max_length=120)
    name_ru = models.CharField(_('name (Russian)'), max_length=120, blank=True)
    name_zh = models.CharField(_('name (Chinese)'), max_length=120, blank=True)
    name_uz = models.CharField(_('name (Uzbek)'), max_length=120, blank=True)
    dac_code = models.CharField(_('DAC 5-digit sector'), max_length=5, blank=True)

    class Meta:
        ordering = ['name_en']
        verbose_name = _('cooperation sector')
        verbose_name_plural = _('cooperation sectors')

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, 'name')


class Project(ChangeLoggedModel):
    """A joint project (IATI "activity" semantics).

    The aggregate fields at the end are derived from the project's status, relations and
    transactions by `portfolio.aggregation.refresh_projects`, so that portfolio totals are one
    indexed GROUP BY rather than a scan of every transaction.
    """

    identifier = models.CharField(_('identifier'), max_length=100, unique=True)
    title_en = models.CharField(_('title (English)'), max_length=300)
    title_ru = models.CharField(_('title (Russian)'), max_length=300, blank=True)
    title_zh = models.CharField(_('title (Chinese)'), max_length=300, blank=True)
    title_uz = models.CharField(_('title (Uzbek)'), max_length=300, blank=True)
    description_en = models.TextField(_('description (English)'), blank=True)
    description_ru = models.TextField(_('description (Russian)'), blank=True)
    description_zh = models.TextField(_('description (Chinese)'), blank=True)
    description_uz = models.TextField(_('description (Uzbek)'), blank=True)
    status = models.CharField(_('status'), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSAL)
    visibility = models.CharField(_('visibility'), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    region = models.CharField(_('region'), max_length=6, choices=Region.choices, blank=True)
    latitude = models.DecimalField(
        _('latitude'), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _('longitude'), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    planned_start = models.DateField(_('planned start'), null=True, blank=True)
    planned_end = models.DateField(_('planned end'), null=True, blank=True)
    actual_start = models.DateField(_('actual start'), null=True, blank=True)
    actual_end = models.DateField(_('actual end'), null=True, blank=True)
    parent = models.ForeignKey(
        'self', on_delete=models.PROTECT, null=True, blank=True, related_name='children', verbose_name=_('parent')
    )
    is_umbrella = models.BooleanField(
        _('umbrella agreement'),
        default=False,
        help_text=_('A framework agreement whose parts are recorded as children.'),
    )
    is_illustrative = models.BooleanField(
        _('illustrative'), default=False, help_text=_('Added for demonstration; not from a cited source.')
    )
    linked = models.ManyToManyField('self', blank=True, verbose_name=_('linked projects'))

    # Derived for aggregation (see docs/portfolio-aggregation.md).
    stage = models.CharField(_('stage'), max_length=16, choices=Stage.choices, editable=False)
    in_aggregates = models.BooleanField(_('counted in aggregates'), default=False, editable=False)
    value_usd = models.DecimalField(_('value (USD)'), max_digits=20, decimal_places=2, null=True, editable=False)
    value_basis = models.CharField(
        _('value from'), max_length=12, choices=ValueBasis.choices, default=ValueBasis.NONE, editable=False
    )
    value_year = models.PositiveSmallIntegerField(_('value year'), null=True, editable=False)
    unconverted_count = models.PositiveIntegerField(_('amounts not converted'), default=0, editable=False)

    objects = ProjectQuerySet.as_manager()

    change_log_exclude = (
        'last_updated',
        'stage',
        'in_aggregates',
        'value_usd',
        'value_basis',
        'value_year',
        'unconverted_count',
    )

    class Meta:
        ordering = ['identifier']
        verbose_name = _('project')
        verbose_name_plural = _('projects')
        permissions = [
            ('view_partner_project', _('Can see projects visible to partners and to their own side')),
            ('view_restricted_project', _('Can see restricted projects')),
        ]
        indexes = [
            models.Index(fields=['in_aggregates', 'stage'], name='portfolio_project_agg_idx'),
            models.Index(fields=['visibility', 'status'], name='portfolio_project_vis_idx'),
            # The list pages: visible projects in identifier order, or by value, a page at a time.
            models.Index(fields=['visibility', 'identifier'], name='portfolio_project_vis_id_idx'),
            models.Index(fields=['visibility', '-value_usd', 'identifier'], name='portfolio_project_vis_val_idx'),
            models.Index(fields=['-value_usd', 'identifier'], name='portfolio_project_value_idx'),
            # Covers every column the totals read, so recomputing them after a write reads the index only.
            models.Index(
                fields=[
                    'visibility',
                    'in_aggregates',
                    'stage',
                    'is_umbrella',
                    'is_illustrative',
                    'value_basis',
                    'unconverted_count',
                    'value_usd',
                ],
                name='portfolio_project_totals_idx',
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F('planned_start')),
                name='portfolio_project_planned_order',
                violation_error_message=_('The planned end is before the planned start.'),
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_end__gte=models.F('actual_start')),
                name='portfolio_project_actual_order',
                violation_error_message=_('The actual end is before the actual start.'),
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F('id')), name='portfolio_project_not_own_parent'),
        ]

    def __str__(self):
        return f'{self.identifier} {self.title}'

    def get_absolute_url(self):
        return reverse('portfolio:project_detail', args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, 'title')

    @property
    def description(self) -> str:
        return localized(self, 'description')


class ProjectSector(models.Model):
    """A share of the project in a sector; a project's shares add up to 100 %."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='sectors')
    sector = models.ForeignKey(CooperationSector, on_delete=models.PROTECT, related_name='projects')
    percentage = models.DecimalField(_('percentage'), max_digits=5, decimal_places=2)
    value_usd = models.DecimalField(
        _('value (USD)'),
        max_digits=20,
        decimal_places=2,
        null=True,
        editable=False,
        help_text=_("The project's value allocated to this sector, in cents that add up to the project's value."),
    )

    class Meta:
        ordering = ['-percentage', 'sector']
        verbose_name = _('project sector')
        verbose_name_plural = _('project sectors')
        constraints = [
            models.UniqueConstraint(fields=['project', 'sector'], name='portfolio_projectsector_unique'),
            models.CheckConstraint(
                condition=models.Q(percentage__gt=0, percentage__lte=100), name='portfolio_projectsector_percentage'
            ),
        ]

    def __str__(self):
        return f'{self.sector} {self.percentage}%'


class Participant(ChangeLoggedMixin, models.Model):
    """An organization taking part in a project in an IATI role; its side is its country's."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='participants')
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name='participations')
    role = models.CharField(_('role'), max_length=1, choices=ParticipantRole.choices)

    class Meta:
        ordering = ['role', 'organization']
        verbose_name = _('participant')
        verbose_name_plural = _('participants')
        constraints = [
            models.UniqueConstraint(
                fields=['project', 'organization', 'role'],
                name='portfolio_participant_unique',
                violation_error_message=_('This organization already has this role in the project.'),
            ),
        ]

    def __str__(self):
        return f'{self.organization} ({self.get_role_display()})'


class Milestone(ChangeLoggedMixin, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='milestones')
    title = models.CharField(_('title'), max_length=300)
    planned_date = models.DateField(_('planned date'), null=True, blank=True)
    actual_date = models.DateField(_('actual date'), null=True, blank=True)

    class Meta:
        ordering = ['planned_date', 'id']
        verbose_name = _('milestone')
        verbose_name_plural = _('milestones')

    def __str__(self):
        return self.title


class StatusChange(models.Model):
    """An event row for each change of a project's status, with the reason when it left the path."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='status_changes')
    previous = models.CharField(_('from'), max_length=20, choices=ProjectStatus.choices)
    new = models.CharField(_('to'), max_length=20, choices=ProjectStatus.choices)
    reason = models.TextField(_('reason'), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    time = models.DateTimeField(_('time'), auto_now_add=True)

    class Meta:
        ordering = ['time', 'id']
        verbose_name = _('status change')
        verbose_name_plural = _('status changes')

    def __str__(self):
        return f'{self.previous} → {self.new}'


class Transaction(ChangeLoggedModel):
    """Money of a project: a pledge, commitment, disbursement, … in its own currency, with its
    USD value at the value date and the rate used. An amount that cannot be converted keeps
    `value_usd` empty and is reported as such, never counted as zero."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='transactions')
    type = models.CharField(_('type'), max_length=2, choices=TransactionType.choices)
    value = models.DecimalField(
        _('value'), max_digits=20, decimal_places=2, validators=[MinValueValidator(Decimal('0.01'))]
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
    interest_rate = models.DecimalField(_('interest rate (%)'), max_digits=6, decimal_places=3, null=True, blank=True)
    maturity_years = models.DecimalField(_('maturity (years)'), max_digits=5, decimal_places=1, null=True, blank=True)
    grace_years = models.DecimalField(_('grace period (years)'), max_digits=5, decimal_places=1, null=True, blank=True)
    value_usd = models.DecimalField(_('value (USD)'), max_digits=20, decimal_places=2, null=True, editable=False)
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
            models.CheckConstraint(condition=models.Q(value__gt=0), name='portfolio_transaction_value_positive'),
        ]

    def __str__(self):
        return f'{self.get_type_display()} {self.value} {self.currency_id} ({self.value_date})'


#
# Budgets and planned disbursements (IATI 2.03 `budget`, `planned-disbursement`)
#


class BudgetType(models.TextChoices):
    """IATI BudgetType codes (also the type of a planned disbursement)."""

    ORIGINAL = '1', _('Original')
    REVISED = '2', _('Revised')


class BudgetStatus(models.TextChoices):
    """IATI BudgetStatus codes."""

    INDICATIVE = '1', _('Indicative')
    COMMITTED = '2', _('Committed')


def one_year_after(day: datetime.date) -> datetime.date:
    """The same calendar day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class PlannedAmount(ChangeLoggedModel):
    """Money planned for a period, in its own currency, with its USD value at the value date and
    the rate used (as for transactions: an amount no rate covers keeps `value_usd` empty and is
    flagged, never counted as zero).

    Planned amounts are shown with the project but never make the portfolio's value: the
    aggregates count what was committed or pledged (docs/portfolio-aggregation.md).
    """

    period_start = models.DateField(_('period start'))
    period_end = models.DateField(_('period end'), null=True, blank=True)
    value = models.DecimalField(
        _('value'), max_digits=20, decimal_places=2, validators=[MinValueValidator(Decimal('0.01'))]
    )
    currency = models.ForeignKey(
        'core.Currency', on_delete=models.PROTECT, to_field='code', db_column='currency_code',
        related_name='+', verbose_name=_('currency'),
    )  # fmt: skip
    value_date = models.DateField(
        _('value date'), help_text=_('The date whose exchange rate converts the amount; usually the period start.')
    )
    value_usd = models.DecimalField(_('value (USD)'), max_digits=20, decimal_places=2, null=True, editable=False)
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


#
# Documents (IATI `document-link`)
#

MIME_TYPE = re.compile(r'^[a-z]+/[a-z0-9][a-z0-9!#$&^_.+-]*$')
DOCUMENT_CATEGORY_CODELIST = 'DocumentCategory'
ACTIVITY_DOCUMENT_CATEGORY = 'A'  # B-categories are for an organisation's own documents


def validate_web_link(value: str) -> None:
    """Only http and https: a link is opened by readers' browsers, so no javascript:, file: or ftp:."""
    scheme = urlsplit(value).scheme.lower()
    if scheme not in ('http', 'https'):
        raise ValidationError(
            _('Only http:// and https:// links are accepted (this one starts with “%(scheme)s”).')
            % {'scheme': f'{scheme}:' if scheme else value[:20]},
            code='scheme',
        )
    URLValidator(schemes=['http', 'https'])(value)


def validate_mime_type(value: str) -> None:
    if not MIME_TYPE.match(value):
        raise ValidationError(
            _('“%(value)s” is not a MIME type; give one such as application/pdf or text/html.') % {'value': value},
            code='mime',
        )


class DocumentLanguage(models.TextChoices):
    """ISO 639-1 codes of the languages the cooperation's documents are written in."""

    ENGLISH = 'en', _('English')
    RUSSIAN = 'ru', _('Russian')
    CHINESE = 'zh', _('Chinese')
    UZBEK = 'uz', _('Uzbek')


class DocumentLink(ChangeLoggedModel):
    """A document about a project published on the web (IATI `document-link`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='documents')
    url = models.CharField(_('address (URL)'), max_length=1000, validators=[validate_web_link])
    format = models.CharField(
        _('format'), max_length=100, validators=[validate_mime_type], help_text=_('MIME type, e.g. application/pdf.')
    )
    title_en = models.CharField(_('title (English)'), max_length=300)
    title_ru = models.CharField(_('title (Russian)'), max_length=300, blank=True)
    title_zh = models.CharField(_('title (Chinese)'), max_length=300, blank=True)
    title_uz = models.CharField(_('title (Uzbek)'), max_length=300, blank=True)
    category = models.CharField(_('category'), max_length=3, help_text=_('IATI DocumentCategory code (A01–A12).'))
    language = models.CharField(_('language'), max_length=2, choices=DocumentLanguage.choices, blank=True)
    document_date = models.DateField(_('document date'), null=True, blank=True)
    source = models.ForeignKey(
        'sources.Source', on_delete=models.PROTECT, null=True, blank=True, related_name='document_links',
        verbose_name=_('source'), help_text=_('The source record this document is, when it is one.'),
    )  # fmt: skip

    class Meta:
        ordering = ['category', 'title_en', 'id']
        verbose_name = _('document')
        verbose_name_plural = _('documents')
        constraints = [
            models.UniqueConstraint(
                fields=['project', 'url'],
                name='portfolio_documentlink_unique_url',
                violation_error_message=_('This document is already linked to the project.'),
            ),
        ]

    def __str__(self):
        return self.title_en

    @property
    def title(self) -> str:
        return localized(self, 'title')

    def clean(self):
        super().clean()
        if not self.category:
            return
        item = CodelistItem.objects.filter(codelist__name=DOCUMENT_CATEGORY_CODELIST, code=self.category).first()
        if item is None:
            raise ValidationError(
                {'category': _('%(code)s is not an IATI document category.') % {'code': self.category}}
            )
        if item.category != ACTIVITY_DOCUMENT_CATEGORY:
            raise ValidationError(
                {
                    'category': _(
                        "%(code)s (%(name)s) is a category for an organisation's own documents; "
                        "a project's documents use the activity categories A01–A12."
                    )
                    % {'code': item.code, 'name': item.name_en}
                }
            )


class PortfolioState(models.Model):
    """A single row whose token changes with every write that can change a portfolio total."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _('portfolio state')

    def __str__(self):
        return self.token
