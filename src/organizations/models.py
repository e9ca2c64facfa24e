"""The registry of organizations, shared by every domain.

The tables were created by the portfolio app, where the registry began, and keep their names
(`db_table`): moving the models to this app moved no row, so every foreign key, change-log entry
and citation still points at the same records (see migrations/0001_initial.py). The constraint
names keep their `portfolio_` prefix for the same reason.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamkor.models import ChangeLoggedModel, localized
from organizations.choices import OrganizationKind, OrganizationStatus
from organizations.querysets import OrganizationQuerySet


class Organization(ChangeLoggedModel):
    """A government body, bank, company, contractor or joint center taking part in the cooperation.

    Shared by every domain: financiers and contractors of projects, responsible agencies of
    commitments, applicants of certificates, and the organization a user belongs to.
    """

    name_en = models.CharField(_('name (English)'), max_length=300)
    name_ru = models.CharField(_('name (Russian)'), max_length=300, blank=True)
    name_zh = models.CharField(_('name (Chinese)'), max_length=300, blank=True)
    name_uz = models.CharField(_('name (Uzbek)'), max_length=300, blank=True)
    kind = models.CharField(_('type'), max_length=20, choices=OrganizationKind.choices)
    status = models.CharField(
        _('status'), max_length=10, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    country = models.ForeignKey(
        'core.Country', on_delete=models.PROTECT, related_name='organizations', verbose_name=_('country')
    )
    iati_identifier = models.CharField(
        _('IATI organisation identifier'), max_length=100, blank=True, help_text=_('For example CN-USC-…')
    )
    tax_id = models.CharField(_('tax identifier'), max_length=40, blank=True)
    website = models.URLField(_('website'), blank=True)
    is_illustrative = models.BooleanField(
        _('illustrative'), default=False, help_text=_('Added for demonstration; not from a cited source.')
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        db_table = 'portfolio_organization'  # the rows stay where the portfolio app created them
        ordering = ['name_en']
        verbose_name = _('organization')
        verbose_name_plural = _('organizations')
        constraints = [
            models.UniqueConstraint(
                fields=['iati_identifier'],
                condition=~models.Q(iati_identifier=''),
                name='portfolio_organization_unique_iati_identifier',
                violation_error_message=_('Another organization already has this IATI identifier.'),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The pages are under /portfolio/organizations/, named in the portfolio namespace (see urls.py).
        return reverse('portfolio:organization_detail', args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, 'name')


class OrganizationAlias(models.Model):
    """Another name an organization is known by: a transliteration, an abbreviation, a former name."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name='aliases')
    name = models.CharField(_('name'), max_length=300)
    normalized = models.CharField(_('normalized name'), max_length=300, db_index=True, editable=False)

    class Meta:
        db_table = 'portfolio_organizationalias'  # the rows stay where the portfolio app created them
        ordering = ['name']
        verbose_name = _('alias')
        verbose_name_plural = _('aliases')
        constraints = [
            models.UniqueConstraint(fields=['organization', 'normalized'], name='portfolio_alias_unique_per_org'),
        ]

    def __str__(self):
        return self.name


class OrganizationNameKey(models.Model):
    """The normalized key (organizations.names.normalize_name) of one of an organization's names
    or aliases, kept by organizations.services: duplicate detection is one indexed query."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name='name_keys')
    key = models.TextField(_('normalized name'), db_index=True)

    class Meta:
        verbose_name = _('name key')
        verbose_name_plural = _('name keys')
        constraints = [
            models.UniqueConstraint(fields=['organization', 'key'], name='organizations_namekey_unique_per_org'),
        ]

    def __str__(self):
        return self.key
