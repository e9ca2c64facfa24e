"""Writes to the registry of organizations. Each function takes the acting user (`actor`;
hamkor.permissions.SYSTEM for the command line, loaders and the demo), refuses one without the
permission of the change, owns its transaction and validates completely before it writes; the
change log records every write with its actor and channel.

The stored name keys (OrganizationNameKey) follow every change of a name or an alias.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hamkor.permissions import require
from organizations.models import Organization, OrganizationAlias, OrganizationNameKey
from organizations.names import NAME_FIELDS, name_keys, normalize_name, organization_keys
from organizations.selectors import organizations_named

ORGANIZATION_FIELDS = (
    'name_en',
    'name_ru',
    'name_zh',
    'name_uz',
    'kind',
    'status',
    'country',
    'iati_identifier',
    'tax_id',
    'website',
    'is_illustrative',
)


def _duplicate_error(duplicates) -> ValidationError:
    return ValidationError(
        {
            'name_en': _('An organization with this name already exists: %(names)s.')
            % {'names': '; '.join(f'{d.name_en} (#{d.pk})' for d in duplicates)}
        }
    )


def check_names_are_free(names: list[str]) -> None:
    """Refuse names or aliases of a new organization that an organization already has."""
    duplicates = organizations_named([name for name in names if name])
    if duplicates:
        raise _duplicate_error(duplicates)


def check_new_names_are_free(organization, aliases: list[str] | None = None) -> None:
    """Refuse names or aliases an update gives `organization` that another organization already has.

    The rule of services.create_organization, applied on update to the names the update adds
    (compared with the stored record): a rename cannot make a second record of an organization.
    Names it already had are not re-checked, so that an organization created as a deliberate
    duplicate can still be edited. `aliases` None: the aliases stay as stored.
    """
    stored = Organization.objects.prefetch_related('aliases').filter(pk=organization.pk).first()
    before = organization_keys(stored) if stored is not None else set()
    names = [getattr(organization, column) for column in NAME_FIELDS]
    names += list(aliases) if aliases is not None else [alias.name for alias in stored.aliases.all()] if stored else []
    added = [name for name in names if name and name.strip() and normalize_name(name) not in before]
    duplicates = organizations_named(added, exclude=organization.pk) if added else []
    if duplicates:
        raise _duplicate_error(duplicates)


def _check_fields(values: dict) -> None:
    unknown = set(values) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f'not editable fields of an organization: {", ".join(sorted(unknown))}')


@transaction.atomic
def create_organization(*, actor, aliases: list[str] = (), allow_duplicate: bool = False, **values) -> Organization:
    """A new organization; a name or alias another organization has (compared normalized) is
    refused unless `allow_duplicate`."""
    require(actor, 'organizations.add_organization')
    _check_fields(values)
    organization = Organization(**values)
    organization.full_clean()
    if not allow_duplicate:
        check_names_are_free([organization.name_en, organization.name_ru, organization.name_zh,
                              organization.name_uz, *aliases])  # fmt: skip
    organization.save()
    _set_aliases(organization, aliases)
    refresh_name_keys(organization)
    return organization


@transaction.atomic
def update_organization(*, organization: Organization, actor, aliases: list[str] | None = None, **values):
    """Change fields and, unless `aliases` is None, replace the aliases; names the change adds
    that another organization has are refused."""
    require(actor, 'organizations.change_organization', organization)
    _check_fields(values)
    for name, value in values.items():
        setattr(organization, name, value)
    organization.full_clean()
    check_new_names_are_free(organization, aliases)
    organization.save()
    if aliases is not None:
        _set_aliases(organization, aliases)
    refresh_name_keys(organization)
    return organization


@transaction.atomic
def set_aliases(*, organization: Organization, aliases, actor) -> None:
    """Replace the aliases of an organization (no duplicate check: see update_organization)."""
    require(actor, 'organizations.change_organization', organization)
    _set_aliases(organization, aliases)
    refresh_name_keys(organization)


@transaction.atomic
def delete_organization(*, organization: Organization, actor) -> None:
    """Delete an organization; one still referenced (ProtectedError) is kept."""
    require(actor, 'organizations.delete_organization', organization)
    organization.delete()


def _set_aliases(organization: Organization, aliases) -> None:
    wanted = {normalize_name(alias): alias.strip() for alias in aliases if alias.strip()}
    organization.aliases.exclude(normalized__in=wanted).delete()
    existing = set(organization.aliases.values_list('normalized', flat=True))
    OrganizationAlias.objects.bulk_create(
        OrganizationAlias(organization=organization, name=name, normalized=key)
        for key, name in wanted.items()
        if key not in existing
    )


def refresh_name_keys(organization: Organization) -> None:
    """Make the stored keys of `organization` those of its names and aliases as stored now."""
    aliases = organization.aliases.values_list('name', flat=True)  # a query: never a stale prefetch
    wanted = name_keys([*(getattr(organization, column) for column in NAME_FIELDS), *aliases])
    organization.name_keys.exclude(key__in=wanted).delete()
    existing = set(organization.name_keys.values_list('key', flat=True))
    OrganizationNameKey.objects.bulk_create(
        OrganizationNameKey(organization=organization, key=key) for key in wanted - existing
    )
