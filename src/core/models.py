"""Reference data (countries, currencies, codelists, HS nomenclature, exchange rates), the
provenance of every reference file loaded, and the change log."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import CountryQuerySet, ExchangeRateQuerySet, HSCodeQuerySet, ObjectChangeQuerySet
from hamkor.models import localized

#
# Provenance of reference files
#


class ReferenceDataset(models.Model):
    """One reference file as last loaded: what it is, where it came from, its checksum.

    Every figure derived from reference data (an exchange rate used in a conversion, an HS
    description) can name the file, edition and licence it came from.
    """

    key = models.SlugField(_('key'), max_length=64, unique=True)
    title = models.CharField(_('title'), max_length=200)
    path = models.CharField(_('file'), max_length=300, help_text=_('Path under the data directory.'))
    origin = models.TextField(_('origin'))
    licence = models.CharField(_('licence'), max_length=300)
    sha256 = models.CharField(_('SHA-256'), max_length=64)
    row_count = models.PositiveIntegerField(_('rows'))
    loaded_at = models.DateTimeField(_('loaded at'), default=timezone.now)

    class Meta:
        ordering = ['key']
        verbose_name = _('reference dataset')
        verbose_name_plural = _('reference datasets')

    def __str__(self):
        return self.title


#
# Countries and currencies
#


class Country(models.Model):
    """A country or territory with ISO 3166-1 codes, its UN M49 code and names in four languages."""

    iso2 = models.CharField(_('ISO alpha-2'), max_length=2, unique=True)
    iso3 = models.CharField(_('ISO alpha-3'), max_length=3, unique=True)
    iso_numeric = models.CharField(_('ISO numeric'), max_length=3, unique=True)
    m49 = models.CharField(_('UN M49'), max_length=3, db_index=True)
    name_en = models.CharField(_('name (English)'), max_length=120)
    name_ru = models.CharField(_('name (Russian)'), max_length=120, blank=True)
    name_zh = models.CharField(_('name (Chinese)'), max_length=120, blank=True)
    name_uz = models.CharField(_('name (Uzbek)'), max_length=120, blank=True)
    official_name_en = models.CharField(_('official name (English)'), max_length=200, blank=True)
    region = models.CharField(_('region'), max_length=60, blank=True)
    subregion = models.CharField(_('subregion'), max_length=60, blank=True)
    currency_code = models.CharField(_('currency'), max_length=3, blank=True)
    capital = models.CharField(_('capital'), max_length=80, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ['name_en']
        verbose_name = _('country')
        verbose_name_plural = _('countries')

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse('core:country_detail', args=[self.iso3])

    @property
    def name(self) -> str:
        return localized(self, 'name')


class Currency(models.Model):
    """An ISO 4217 currency (IATI Currency codelist, with minor units where known)."""

    code = models.CharField(_('code'), max_length=3, unique=True)
    name_en = models.CharField(_('name'), max_length=120)
    minor_unit = models.PositiveSmallIntegerField(_('minor unit'), null=True, blank=True)
    is_withdrawn = models.BooleanField(_('withdrawn'), default=False)

    class Meta:
        ordering = ['code']
        verbose_name = _('currency')
        verbose_name_plural = _('currencies')

    def __str__(self):
        return f'{self.code} — {self.name_en}'


#
# IATI codelists (activity status, transaction type, sectors, …)
#


class Codelist(models.Model):
    """An IATI 2.03 codelist, such as ActivityStatus or Sector."""

    name = models.CharField(_('name'), max_length=80, unique=True)
    description = models.TextField(_('description'), blank=True)
    category_codelist = models.CharField(
        _('category codelist'),
        max_length=80,
        blank=True,
        help_text=_('The codelist that the categories of this list come from (e.g. SectorCategory).'),
    )

    class Meta:
        ordering = ['name']
        verbose_name = _('codelist')
        verbose_name_plural = _('codelists')

    def __str__(self):
        return self.name


class CodelistItem(models.Model):
    codelist = models.ForeignKey(Codelist, on_delete=models.CASCADE, related_name='items')
    code = models.CharField(_('code'), max_length=20)
    name_en = models.CharField(_('name'), max_length=300)
    description = models.TextField(_('description'), blank=True)
    category = models.CharField(_('category'), max_length=20, blank=True)
    is_withdrawn = models.BooleanField(_('withdrawn'), default=False)

    class Meta:
        ordering = ['codelist', 'code']
        verbose_name = _('codelist item')
        verbose_name_plural = _('codelist items')
        constraints = [
            models.UniqueConstraint(fields=['codelist', 'code'], name='core_codelistitem_unique_code'),
        ]

    def __str__(self):
        return f'{self.code} {self.name_en}'


#
# HS nomenclature
#


class HSSection(models.Model):
    """One of the 21 sections of the Harmonized System (roman numerals I–XXI)."""

    code = models.CharField(_('section'), max_length=5, unique=True)
    number = models.PositiveSmallIntegerField(_('number'), unique=True)
    name = models.TextField(_('name'))

    class Meta:
        ordering = ['number']
        verbose_name = _('HS section')
        verbose_name_plural = _('HS sections')

    def __str__(self):
        return f'{self.code}. {self.name}'


class HSCode(models.Model):
    """A chapter (2 digits), heading (4) or subheading (6) of one HS edition."""

    class Level(models.IntegerChoices):
        CHAPTER = 2, _('chapter')
        HEADING = 4, _('heading')
        SUBHEADING = 6, _('subheading')

    edition = models.CharField(_('edition'), max_length=4)
    code = models.CharField(_('code'), max_length=6)
    level = models.PositiveSmallIntegerField(_('level'), choices=Level.choices)
    description = models.TextField(_('description'))
    parent = models.ForeignKey(
        'self',
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='children',
        verbose_name=_('parent'),
    )
    section = models.ForeignKey(
        HSSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='codes',
        verbose_name=_('section'),
        help_text=_('Empty for chapter 99 (commodities not specified according to kind), which is in no section.'),
    )

    objects = HSCodeQuerySet.as_manager()

    class Meta:
        ordering = ['edition', 'code']
        verbose_name = _('HS code')
        verbose_name_plural = _('HS codes')
        constraints = [
            models.UniqueConstraint(fields=['edition', 'code'], name='core_hscode_unique_code'),
            models.CheckConstraint(condition=models.Q(level__in=[2, 4, 6]), name='core_hscode_level_valid'),
        ]

    def __str__(self):
        return f'HS{self.edition} {self.code}'

    def get_absolute_url(self):
        return reverse('core:hs_detail', args=[self.edition, self.code])

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the chapter and heading above this code, outermost first."""
        return [self.code[:length] for length in (2, 4) if length < len(self.code)]


#
# Exchange rates
#


class ExchangeRate(models.Model):
    """Units of a currency per one US dollar, averaged over a month or a year."""

    class Frequency(models.TextChoices):
        MONTHLY = 'M', _('monthly average')
        ANNUAL = 'A', _('annual average')

    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, to_field='code', db_column='currency_code', related_name='rates'
    )
    frequency = models.CharField(_('frequency'), max_length=1, choices=Frequency.choices)
    period_start = models.DateField(_('period start'))
    period_end = models.DateField(_('period end'))
    per_usd = models.DecimalField(_('units per USD'), max_digits=40, decimal_places=24)
    dataset = models.ForeignKey(ReferenceDataset, on_delete=models.PROTECT, related_name='rates')

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ['currency', 'frequency', 'period_start']
        verbose_name = _('exchange rate')
        verbose_name_plural = _('exchange rates')
        constraints = [
            models.UniqueConstraint(
                fields=['currency', 'frequency', 'period_start'], name='core_exchangerate_unique_period'
            ),
            models.CheckConstraint(condition=models.Q(per_usd__gt=0), name='core_exchangerate_positive'),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F('period_start')),
                name='core_exchangerate_period_order',
            ),
        ]

    def __str__(self):
        return f'{self.currency_id} {self.per_usd} per USD ({self.period_label})'

    @property
    def period_label(self) -> str:
        if self.frequency == self.Frequency.MONTHLY:
            return self.period_start.strftime('%Y-%m')
        return str(self.period_start.year)


#
# Change log
#


class ObjectChange(models.Model):
    """One create, update or delete of a registry record, with its before and after values.

    Written by the change-logging signal handlers for every model marked ChangeLogged, in
    requests, API calls, commands, imports and jobs alike (see hamkor.context).
    """

    class Action(models.TextChoices):
        CREATE = 'create', _('created')
        UPDATE = 'update', _('updated')
        DELETE = 'delete', _('deleted')

    class Channel(models.TextChoices):
        WEB = 'web', _('web')
        API = 'api', _('API')
        CLI = 'cli', _('command line')
        IMPORT = 'import', _('import')
        JOB = 'job', _('job')

    time = models.DateTimeField(_('time'), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name='changes',
        verbose_name=_('actor'),
    )
    actor_name = models.CharField(_('actor name'), max_length=150)
    channel = models.CharField(_('channel'), max_length=10, choices=Channel.choices)
    request_id = models.CharField(_('request or job id'), max_length=64, blank=True, db_index=True)
    action = models.CharField(_('action'), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_('record type'))
    object_id = models.CharField(_('record id'), max_length=64)
    record = GenericForeignKey('content_type', 'object_id')
    object_repr = models.CharField(_('record'), max_length=200)
    before = models.JSONField(_('before'), null=True, blank=True)
    after = models.JSONField(_('after'), null=True, blank=True)
    visibility = models.CharField(
        _('visibility'),
        max_length=20,
        blank=True,
        default='',
        help_text=_('The visibility level of the record the change is about (empty: no restriction).'),
    )
    reason = models.CharField(_('reason'), max_length=500, blank=True, default='')

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ['-time', '-id']
        verbose_name = _('change')
        verbose_name_plural = _('change log')
        indexes = [models.Index(fields=['content_type', 'object_id', 'time'], name='core_change_record_idx')]

    def __str__(self):
        return f'{self.get_action_display()} {self.object_repr}'

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before, after = self.before or {}, self.after or {}
        names = sorted(set(before) | set(after))
        return [(name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)]


#
# Jobs: long work (imports, large exports) run by the worker beside the web server (hamkor.jobs)
#


class Job(models.Model):
    """One piece of long work queued by a user and run by the worker process (`hamkor run-jobs`):
    what it is (`kind`, a task registered with hamkor.jobs, and its `params`), whose it is, where
    it stands and what it produced (`report`, as the job page renders it, or `error`).

    Progress and the heartbeat of a running job are kept in the shared cache while it runs (the
    database may be locked by the job's own transaction); `done` and `total` are their last
    values once it has finished."""

    class Status(models.TextChoices):
        QUEUED = 'queued', _('queued')
        RUNNING = 'running', _('running')
        SUCCEEDED = 'succeeded', _('succeeded')
        FAILED = 'failed', _('failed')
        CANCELLED = 'cancelled', _('cancelled')

    kind = models.CharField(_('kind'), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name='jobs',
        verbose_name=_('owner'),
    )
    params = models.JSONField(_('parameters'), default=dict, blank=True)
    upload = models.CharField(
        _('upload'), max_length=64, blank=True, default='', help_text=_('The token of the upload the job reads.')
    )
    status = models.CharField(_('status'), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_('done'), default=0)
    total = models.PositiveIntegerField(_('total'), null=True, blank=True)
    report = models.JSONField(_('report'), null=True, blank=True)
    error = models.TextField(_('error'), blank=True, default='')
    cancel_requested = models.BooleanField(_('cancel requested'), default=False)
    worker = models.CharField(_('worker'), max_length=100, blank=True, default='')
    created = models.DateTimeField(_('created'), default=timezone.now)
    started = models.DateTimeField(_('started'), null=True, blank=True)
    finished = models.DateTimeField(_('finished'), null=True, blank=True)

    class Meta:
        ordering = ['-created', '-id']
        verbose_name = _('job')
        verbose_name_plural = _('jobs')
        indexes = [models.Index(fields=['status', 'created'], name='core_job_status_idx')]

    def __str__(self):
        return f'{self.kind} #{self.pk} ({self.status})'

    def get_absolute_url(self):
        return reverse('jobs:detail', args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
