"""Writes to sources, announced figures and citations. Each function owns its transaction and
validates completely before writing; the change log records every write (Source, Claim and
Citation are change-logged) with the actor and channel of the current change context.

Every function takes the acting user (`actor`; hamkor.permissions.SYSTEM for the command line
and the demo) and refuses one without the permission of the change. A record may only be cited,
or its citation removed, by someone who may see the record.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hamkor.permissions import require
from sources import selectors
from sources.models import TRANSLATED_SOURCE_FIELDS, Citation, Claim, Source

SOURCE_FIELDS = ('key', 'language', 'title', 'kind', 'publisher', 'published_on', 'date_text', 'url', 'accessed_on',
                 'text', *TRANSLATED_SOURCE_FIELDS)  # fmt: skip
CLAIM_FIELDS = ('metric', 'comparator', 'value_usd', 'period', 'quote', 'confidence')
# Keys that would collide with the pages under /sources/.
RESERVED_KEYS = ('new',)


def _set_fields(instance, values: dict, allowed: tuple[str, ...], kind: str) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f'not fields of a {kind}: {", ".join(sorted(unknown))}')
    for name, value in values.items():
        setattr(instance, name, value)


def check_source(source: Source) -> None:
    source.full_clean()
    if source.key in RESERVED_KEYS:
        raise ValidationError({'key': _('The key %(key)s is reserved; choose another.') % {'key': source.key}})


@transaction.atomic
def create_source(*, actor, **values) -> Source:
    require(actor, 'sources.add_source')
    source = Source()
    _set_fields(source, values, SOURCE_FIELDS, 'source')
    check_source(source)
    source.save()
    return source


@transaction.atomic
def update_source(*, source: Source, actor, **values) -> Source:
    require(actor, 'sources.change_source', source)
    _set_fields(source, values, SOURCE_FIELDS, 'source')
    check_source(source)
    source.save()
    return source


def check_claim_value(value) -> None:
    """An announced figure is above zero. Said in words here: the database constraint backs the
    rule, but its own message names only the constraint."""
    if value is not None and Decimal(value) <= 0:
        raise ValidationError({'value_usd': _('An announced figure must be more than 0 USD.')})


def check_claim(claim: Claim) -> None:
    check_claim_value(claim.value_usd)
    claim.full_clean()


@transaction.atomic
def create_claim(*, source: Source, actor, **values) -> Claim:
    require(actor, 'sources.add_claim')
    claim = Claim(source=source)
    _set_fields(claim, values, CLAIM_FIELDS, 'claim')
    check_claim(claim)
    claim.save()
    return claim


@transaction.atomic
def update_claim(*, claim: Claim, actor, **values) -> Claim:
    require(actor, 'sources.change_claim', claim)
    _set_fields(claim, values, CLAIM_FIELDS, 'claim')
    check_claim(claim)
    claim.save()
    return claim


@transaction.atomic
def add_citation(*, record, source: Source, locator: str, confidence: str, actor) -> Citation:
    """Cite `source` at `locator` for `record`, which must exist and be visible to `actor`."""
    require(actor, 'sources.add_citation')
    citable = selectors.citable_type_of(record)
    if citable is None:
        raise ValidationError({'record': _('Records of this type cannot cite sources.')})
    if record.pk is None or not selectors.is_visible(record, actor):
        raise ValidationError({'record': _('The cited record does not exist.')})
    citation = Citation(
        source=source,
        content_type=citable.content_type,
        object_id=str(record.pk),
        locator=(locator or '').strip(),
        confidence=confidence,
    )
    if not citation.locator:
        raise ValidationError(
            {'locator': _('Give the locator: the paragraph, page or quotation of the source that supports the record.')}
        )
    citation.full_clean(validate_constraints=False)
    duplicate = Citation.objects.filter(
        source=source, content_type=citation.content_type, object_id=citation.object_id, locator=citation.locator
    )
    if duplicate.exists():
        raise ValidationError(
            {
                'locator': _('%(source)s is already cited for this %(kind)s at “%(locator)s”.')
                % {'source': source.title, 'kind': citable.label, 'locator': citation.locator}
            }
        )
    citation.save()
    return citation


@transaction.atomic
def remove_citation(*, citation: Citation, actor) -> None:
    """Remove a citation of a record `actor` may see (others' records are not theirs to change)."""
    require(actor, 'sources.delete_citation')
    record = citation.record
    if record is None or not selectors.is_visible(record, actor):
        raise ValidationError(_('The cited record does not exist.'))
    citation.delete()
