"""Reads of the registry of organizations, for its pages and its API.

The registry is public: every reader sees every organization. What higher apps know about an
organization (the projects it takes part in, the sources cited for it) is shown on its page
through parts they register from their `AppConfig.ready()` (register_detail_part): this app
names none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import get_object_or_404

from core.models import ObjectChange
from organizations.models import Organization, OrganizationNameKey
from organizations.names import name_keys

# name of the part (the page's context variable) → reader(user, organization)
_detail_parts: dict[str, Callable[[Any, Organization], Any]] = {}


def register_detail_part(name: str, read: Callable[[Any, Organization], Any]) -> None:
    """Show `read(user, organization)` on the organization's page as `name`."""
    _detail_parts[name] = read


def organizations():
    """Every organization, with its country, in the registry's order (lists and the API)."""
    return Organization.objects.select_related('country')


@dataclass
class OrganizationDetail:
    organization: Organization
    aliases: list
    history: Any  # the change log of the record, for readers who may see it; else None
    parts: dict[str, Any] = field(default_factory=dict)


def organization_detail(user, pk) -> OrganizationDetail:
    """The organization `pk` (404 when there is none) with its aliases, history and registered parts."""
    organization = get_object_or_404(organizations(), pk=pk)
    history = ObjectChange.objects.for_record(organization) if user.has_perm('core.view_objectchange') else None
    return OrganizationDetail(
        organization=organization,
        aliases=list(organization.aliases.all()),
        history=history,
        parts={name: read(user, organization) for name, read in _detail_parts.items()},
    )


def organizations_named(names: list[str], exclude: int | None = None) -> list[Organization]:
    """Organizations that have one of `names` (normalized) as a name or an alias: one indexed
    query on the stored keys, in the registry's order."""
    wanted = name_keys(name for name in names if name.strip())
    if not wanted:
        return []
    owners = OrganizationNameKey.objects.filter(key__in=wanted).values('organization')
    candidates = Organization.objects.filter(pk__in=owners)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return list(candidates.order_by(*Organization._meta.ordering, 'pk'))
