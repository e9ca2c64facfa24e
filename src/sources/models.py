"""Where figures and records come from: source documents, the figures they announce (claims),
and citations linking any record to the passage of a source that supports it."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamkor.fields import AmountField
from hamkor.models import (
    DATA_LANGUAGES,
    STRICTEST_VISIBILITY,
    ChangeLoggedMixin,
    ChangeLoggedModel,
    as_written_or_translated,
)


class Confidence(models.TextChoices):
    HIGH = 'high', _('High: official document')
    MEDIUM = 'medium', _('Medium: official statement reported by the press')
    LOW = 'low', _('Low: unconfirmed report')


# The translations of a source's title, publisher and date, beside the text as written
TRANSLATED_SOURCE_FIELDS = tuple(f'{field}_{language}' for field in ('title', 'publisher', 'date_text')
                                 for language in DATA_LANGUAGES)  # fmt: skip


class Source(ChangeLoggedModel):
    """A document that records or announces something: a press report, an agreement, a dataset."""

    class Kind(models.TextChoices):
        PRESS_REPORT = 'press', _('Press report')
        OFFICIAL = 'official', _('Official document')
        AGREEMENT = 'agreement', _('Agreement')
        DATASET = 'dataset', _('Dataset')

    key = models.SlugField(_('key'), max_length=80, unique=True)
    # The title, publisher and date as the document gives them, in the language it is written
    # in; the translations beside them are shown to readers of those languages (ADR 0002).
    language = models.CharField(
        _('language of the document'), max_length=8, default='en',
        help_text=_('ISO 639-1 code of the language the document is written in: en, ru, zh, uz, …'),
    )  # fmt: skip
    title = models.CharField(_('title'), max_length=300)
    title_en = models.CharField(_('title (English)'), max_length=300, blank=True)
    title_ru = models.CharField(_('title (Russian)'), max_length=300, blank=True)
    title_zh = models.CharField(_('title (Chinese)'), max_length=300, blank=True)
    title_uz = models.CharField(_('title (Uzbek)'), max_length=300, blank=True)
    kind = models.CharField(_('kind'), max_length=10, choices=Kind.choices)
    publisher = models.CharField(_('publisher'), max_length=200)
    publisher_en = models.CharField(_('publisher (English)'), max_length=200, blank=True)
    publisher_ru = models.CharField(_('publisher (Russian)'), max_length=200, blank=True)
    publisher_zh = models.CharField(_('publisher (Chinese)'), max_length=200, blank=True)
    publisher_uz = models.CharField(_('publisher (Uzbek)'), max_length=200, blank=True)
    published_on = models.DateField(_('published on'), null=True, blank=True)
    date_text = models.CharField(
        _('date as given'), max_length=100, blank=True, help_text=_('The date as the document states it.')
    )
    date_text_en = models.CharField(_('date as given (English)'), max_length=100, blank=True)
    date_text_ru = models.CharField(_('date as given (Russian)'), max_length=100, blank=True)
    date_text_zh = models.CharField(_('date as given (Chinese)'), max_length=100, blank=True)
    date_text_uz = models.CharField(_('date as given (Uzbek)'), max_length=100, blank=True)
    url = models.URLField(_('address (URL)'), max_length=500, blank=True)
    accessed_on = models.DateField(
        _('accessed on'), null=True, blank=True, help_text=_('When the address was read: what it said may change.')
    )
    text = models.TextField(_('text'), blank=True)

    class Meta:
        ordering = ['title']
        verbose_name = _('source')
        verbose_name_plural = _('sources')
        constraints = [
            # An address says what it said when it was read: without that date the citation cannot be checked.
            models.CheckConstraint(
                condition=models.Q(url='') | models.Q(accessed_on__isnull=False),
                name='sources_source_url_has_access_date',
                violation_error_message=_('Give the date the address was accessed: what it says may change.'),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse('sources:source_detail', args=[self.key])

    @property
    def shown_title(self) -> str:
        return as_written_or_translated(self, 'title', self.language)

    @property
    def shown_publisher(self) -> str:
        return as_written_or_translated(self, 'publisher', self.language)

    @property
    def shown_date(self) -> str:
        return as_written_or_translated(self, 'date_text', self.language)


class Claim(ChangeLoggedModel):
    """A figure announced by a source (for example "the portfolio exceeds $60 billion").

    Claims are shown beside figures computed from records, never added to them.
    """

    class Metric(models.TextChoices):
        PORTFOLIO_VALUE = 'portfolio_value', _('Portfolio of joint projects')
        TRADE_TURNOVER = 'trade_turnover', _('Bilateral trade turnover')
        TRADE_TARGET = 'trade_target', _('Bilateral trade target')
        OFFICIAL_FINANCE = 'official_finance', _('Chinese official finance committed (independent count)')

    class Comparator(models.TextChoices):
        MORE_THAN = 'gt', _('more than')
        ABOUT = 'approx', _('about')
        EXACTLY = 'eq', _('exactly')
        TARGET = 'target', _('target of')

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name='claims', verbose_name=_('source'))
    metric = models.CharField(_('metric'), max_length=30, choices=Metric.choices)
    comparator = models.CharField(_('comparator'), max_length=10, choices=Comparator.choices)
    value_usd = AmountField(_('value (USD)'))
    period = models.CharField(_('period'), max_length=60, blank=True, help_text=_('The period or date it refers to.'))
    quote = models.TextField(_('quote'))
    confidence = models.CharField(_('confidence'), max_length=10, choices=Confidence.choices)

    class Meta:
        ordering = ['metric', 'source']
        verbose_name = _('announced figure')
        verbose_name_plural = _('announced figures')
        constraints = [
            models.CheckConstraint(condition=models.Q(value_usd__gt=0), name='sources_claim_value_positive'),
        ]

    def __str__(self):
        return f'{self.get_metric_display()} {self.get_comparator_display()} {self.value_usd}'

    def compared(self, figure: str) -> str:
        """`figure` (the claimed value, formatted) with the claim's comparator, in the word order
        of the active language ("more than $60 billion"; Uzbek puts it after: "… dan ortiq")."""
        return str(COMPARED[self.comparator]) % {'value': figure}


COMPARED = {
    Claim.Comparator.MORE_THAN: _('more than %(value)s'),
    Claim.Comparator.ABOUT: _('about %(value)s'),
    Claim.Comparator.EXACTLY: _('exactly %(value)s'),
    Claim.Comparator.TARGET: _('target of %(value)s'),
}


class CitationQuerySet(models.QuerySet):
    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=str(record.pk)
        ).select_related('source')


class Citation(ChangeLoggedModel):
    """Links a record to the passage of a source that supports it.

    Change-logged like the records it supports: adding or removing a citation changes what a
    figure rests on, so the change log says who did it and when (its before/after name the
    cited record by content type and id).
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name='citations', verbose_name=_('source'))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey('content_type', 'object_id')
    locator = models.CharField(_('locator'), max_length=300, help_text=_('Paragraph, page or quotation.'))
    confidence = models.CharField(_('confidence'), max_length=10, choices=Confidence.choices)

    objects = CitationQuerySet.as_manager()
    change_log_owner = 'record'

    class Meta:
        ordering = ['source', 'id']
        verbose_name = _('citation')
        verbose_name_plural = _('citations')
        indexes = [models.Index(fields=['content_type', 'object_id'], name='sources_citation_record_idx')]
        constraints = [
            models.UniqueConstraint(
                fields=['source', 'content_type', 'object_id', 'locator'], name='sources_citation_unique'
            ),
        ]

    def __str__(self):
        return f'{self.source}: {self.locator}'

    def change_log_visibility(self) -> str:
        """A citation's history is the cited record's to see (and the strictest level, hidden
        from every reader without full visibility, when that record is gone)."""
        record = self.content_type.get_all_objects_for_this_type(pk=self.object_id).first()
        if record is None:
            return STRICTEST_VISIBILITY
        return record.change_log_visibility() if isinstance(record, ChangeLoggedMixin) else ''
