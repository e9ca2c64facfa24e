"""Writes to the organization registry. Each function owns its transaction; the change log
records every write with its actor and channel."""

from django.db import transaction

from portfolio.models import Organization

ORGANIZATION_FIELDS = (
    'name_en',
    'name_ru',
    'name_zh',
    'name_uz',
    'kind',
    'status',
    'country',
    'iati_identifier',
    'website',
)


@transaction.atomic
def create_organization(**values) -> Organization:
    organization = Organization(**values)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def update_organization(*, organization: Organization, **values) -> Organization:
    for name, value in values.items():
        if name not in ORGANIZATION_FIELDS:
            raise TypeError(f'{name} is not an editable field of an organization')
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def delete_organization(*, organization: Organization) -> None:
    organization.delete()
