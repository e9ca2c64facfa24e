"""Provenance of the trade store: import runs, their files, the registry of current slices and
the saved column mappings of the generic customs importer.

The flows themselves are Parquet files (see trade.store); the database says which files are
current, where every row came from and when it was replaced.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamkor.models import ChangeLoggedMixin, ChangeLoggedModel
from trade.schema import CLASSIFICATIONS, SLICE_KEY

__all__ = ['APPROVE_REPLACEMENT', 'ColumnMapping', 'ImportFile', 'ImportRun', 'TradeSlice']

CLASSIFICATION_CHOICES = [(code, code) for code in CLASSIFICATIONS]
# Held by the secretariat (accounts.roles): an import that replaces official statistics needs it,
# or the approval of someone who has it (trade.services.approvals).
APPROVE_REPLACEMENT = 'trade.approve_replacement'


class ImportRun(ChangeLoggedMixin, models.Model):
    """One import: by whom, from which files, what it changed (or, pending, would change) in the store.

    Dry runs, rejected imports and imports of data already stored (every slice unchanged)
    change nothing and leave no run behind. A run that would replace official statistics for a
    user who may not approve such a replacement waits for a second person (`pending`): its files
    are written, the registry does not name them until it is approved (trade.services.approvals).
    Its creation and its review are change-logged; `slice_changes` (the written slices, up to a
    few hundred of a BACI year) is kept out of the log's before/after values.
    """

    change_log_exclude = ('slice_changes', 'notes')

    class Kind(models.TextChoices):
        UZSTAT = 'uzstat', _('Official Uzbek partner-country table')
        BACI = 'baci', _('BACI (CEPII)')
        COMTRADE = 'comtrade', _('UN Comtrade API')
        CUSTOMS = 'customs', _('Customs statistics (column mapping)')
        GENERATED = 'generated', _('Generated in Python')

    class Status(models.TextChoices):
        APPLIED = 'applied', _('applied')
        PENDING = 'pending', _('awaiting approval')
        REJECTED = 'rejected', _('rejected')

    source = models.CharField(_('source'), max_length=80, db_index=True)
    kind = models.CharField(_('importer'), max_length=20, choices=Kind.choices)
    classification = models.CharField(_('classification'), max_length=6, blank=True)
    status = models.CharField(_('status'), max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name='trade_import_runs',
        verbose_name=_('imported by'),
    )
    actor_name = models.CharField(_('imported by'), max_length=150)
    channel = models.CharField(_('channel'), max_length=10)
    started = models.DateTimeField(_('started'))
    finished = models.DateTimeField(_('finished'))
    rows_read = models.PositiveBigIntegerField(_('rows read'))
    rows_accepted = models.PositiveBigIntegerField(
        _('flows stored'), help_text=_('A wide table gives one flow per row and year.')
    )
    rows_filtered = models.PositiveBigIntegerField(
        _('rows left out by rule'),
        default=0,
        help_text=_('Rows the format says not to store (e.g. Comtrade breakdowns that would be counted twice).'),
    )
    slices_new = models.PositiveIntegerField(_('new slices'))
    slices_replaced = models.PositiveIntegerField(_('replaced slices'))
    slices_unchanged = models.PositiveIntegerField(_('unchanged slices'))
    illustrative = models.BooleanField(_('illustrative'), default=False)
    notes = models.TextField(_('notes'), blank=True)
    slice_changes = models.JSONField(_('slices written'), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name='trade_reviewed_runs',
        verbose_name=_('reviewed by'),
    )
    reviewed_name = models.CharField(_('reviewed by'), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_('reviewed'), null=True, blank=True)

    class Meta:
        ordering = ['-started', '-id']
        verbose_name = _('trade import run')
        verbose_name_plural = _('trade import runs')
        permissions = [
            ('approve_replacement', _('May approve an import that replaces official trade statistics')),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished__gte=models.F('started')), name='trade_importrun_time_order'
            ),
        ]

    def __str__(self):
        return f'{self.source} #{self.pk}'

    def get_absolute_url(self):
        return reverse('trade:run_detail', args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ImportFile(models.Model):
    """A file read by a run, identified by its SHA-256 so that the exact input can be found again."""

    class Role(models.TextChoices):
        DATA = 'data', _('data')
        COUNTRIES = 'countries', _('country codes')
        TABLE = 'table', _('table built in Python')

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name='files')
    role = models.CharField(_('role'), max_length=10, choices=Role.choices, default=Role.DATA)
    name = models.CharField(_('file'), max_length=255)
    size = models.PositiveBigIntegerField(_('size (bytes)'))
    sha256 = models.CharField(_('SHA-256'), max_length=64)
    row_count = models.PositiveBigIntegerField(_('rows'))
    parquet_files = models.PositiveIntegerField(_('Parquet files written'), default=0)

    class Meta:
        ordering = ['run', 'id']
        verbose_name = _('imported file')
        verbose_name_plural = _('imported files')

    def __str__(self):
        return self.name


class TradeSlice(ChangeLoggedModel):
    """The current content of one slice of the store: the unit that an import adds or replaces.

    A slice is (source, reporter, flow, year, month, classification). Its checksum is computed
    from the rows' content (not the file bytes), so re-importing the same data is recognised
    whatever the file's order or formatting. Replacing a slice updates this row, which the
    change log records with the previous run, checksum and row count. `files` holds the size and
    SHA-256 of each file written, which the checksum of the content cannot vouch for.
    """

    source = models.CharField(_('source'), max_length=80)
    reporter = models.CharField(_('reporter'), max_length=3)
    flow = models.CharField(_('flow'), max_length=2)
    year = models.SmallIntegerField(_('year'))
    month = models.SmallIntegerField(_('month'), help_text=_('0 for a whole year.'))
    classification = models.CharField(_('classification'), max_length=6, choices=CLASSIFICATION_CHOICES)
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name='slices', verbose_name=_('run'))
    path = models.CharField(_('file'), max_length=400, unique=True, help_text=_('Under DATA_DIR/trade.'))
    row_count = models.PositiveBigIntegerField(_('rows'))
    checksum = models.CharField(_('checksum'), max_length=64)
    # {file name: {"size": bytes, "sha256": hex}} of the Parquet files as the import wrote them:
    # what `hamkor check-store` and `hamkor backup` verify the files against (trade.store.integrity).
    files = models.JSONField(_('SHA-256'), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ['source', 'reporter', 'flow', 'year', 'month', 'classification']
        verbose_name = _('trade slice')
        verbose_name_plural = _('trade slices')
        constraints = [
            models.UniqueConstraint(
                fields=['source', 'reporter', 'flow', 'year', 'month', 'classification'],
                name='trade_slice_unique_key',
            ),
            models.CheckConstraint(condition=models.Q(month__gte=0, month__lte=12), name='trade_slice_month_valid'),
            models.CheckConstraint(condition=models.Q(flow__in=['X', 'M', 'RX', 'RM']), name='trade_slice_flow_valid'),
        ]

    def __str__(self):
        period = f'{self.year}' if not self.month else f'{self.year}-{self.month:02d}'
        return f'{self.source} {self.reporter} {self.flow} {period} {self.classification}'

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in SLICE_KEY)


class ColumnMapping(ChangeLoggedModel):
    """How the columns of a national customs file map to the store, saved to be reused every month."""

    class PartnerCodes(models.TextChoices):
        ISO3 = 'iso3', _('ISO alpha-3')
        ISO2 = 'iso2', _('ISO alpha-2')
        M49 = 'm49', _('UN M49 / ISO numeric')

    key = models.SlugField(_('key'), max_length=64, unique=True, help_text=_('The source is "customs:<key>".'))
    name = models.CharField(_('name'), max_length=200)
    columns = models.JSONField(
        _('columns'),
        help_text=_(
            'Field → column header. Fields: year, month (or period as YYYY-MM), partner, flow, product, '
            'value, and optionally quantity and unit.'
        ),
    )
    flow_codes = models.JSONField(
        _('flow codes'),
        default=dict,
        blank=True,
        help_text=_('Value in the file → X, M, RX or RM (e.g. {"EK": "X", "IM": "M"}). Empty: the file uses X/M.'),
    )
    partner_codes = models.CharField(
        _('partner codes'), max_length=4, choices=PartnerCodes.choices, default=PartnerCodes.ISO3
    )
    value_scale = models.PositiveIntegerField(
        _('value unit'), default=1, help_text=_('1 if values are in USD, 1000 if in thousand USD.')
    )
    delimiter = models.CharField(_('delimiter'), max_length=1, default=',')
    encoding = models.CharField(_('encoding'), max_length=20, default='utf-8')
    reporter = models.CharField(_('reporter (ISO alpha-3)'), max_length=3)
    classification = models.CharField(_('classification'), max_length=6, choices=CLASSIFICATION_CHOICES)

    class Meta:
        ordering = ['key']
        verbose_name = _('column mapping')
        verbose_name_plural = _('column mappings')
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_scale__in=[1, 1000, 1000000]), name='trade_columnmapping_scale_valid'
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def source(self) -> str:
        return f'customs:{self.key}'
