from django.db import models
from django.utils.translation import gettext_lazy as _


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
