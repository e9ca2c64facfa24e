from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamkor.models import ChangeLoggedModel, localized, translated_search


class OrganizationQuerySet(models.QuerySet):
    def search(self, text: str):
        """Organizations whose name in any of the four languages contains every word."""
        return translated_search(self, text)


class OrganizationKind(models.TextChoices):
    GOVERNMENT = 'government', _('Government body')
    AGENCY = 'agency', _('Public agency')
    BANK = 'bank', _('Bank or financial institution')
    STATE_COMPANY = 'state_company', _('State company')
    PRIVATE_COMPANY = 'private_company', _('Private company')
    CONTRACTOR = 'contractor', _('Contractor')
    JOINT_CENTER = 'joint_center', _('Joint center')
    CERTIFICATION_BODY = 'certification_body', _('Certification body or laboratory')
    OTHER = 'other', _('Other')


class OrganizationStatus(models.TextChoices):
    ACTIVE = 'active', _('Active')
    PROPOSED = 'proposed', _('Proposed')
    CLOSED = 'closed', _('Closed')


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
    website = models.URLField(_('website'), blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
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
        return reverse('portfolio:organization_detail', args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, 'name')
