"""Writes of the saved column mappings of national customs files (trade.add_columnmapping,
trade.change_columnmapping); the rules they are checked against are in trade.validation."""

from django.db import transaction

from hamkor.permissions import require
from trade.models import ColumnMapping
from trade.validation import MAPPING_FIELDS, apply_fields, validate_mapping


def create_mapping(*, actor, **fields) -> ColumnMapping:
    require(actor, 'trade.add_columnmapping')
    with transaction.atomic():
        return _save(ColumnMapping(), fields)


def update_mapping(*, mapping: ColumnMapping, actor, **fields) -> ColumnMapping:
    require(actor, 'trade.change_columnmapping', mapping)
    with transaction.atomic():
        return _save(mapping, fields)


def _save(mapping: ColumnMapping, fields: dict) -> ColumnMapping:
    stored_key = None
    if mapping.pk is not None:
        stored_key = ColumnMapping.objects.filter(pk=mapping.pk).values_list('key', flat=True).first()
    apply_fields(mapping, fields, MAPPING_FIELDS, 'column mapping')
    validate_mapping(mapping, stored_key=stored_key, given_reporter=fields.get('reporter', mapping.reporter))
    mapping.save()
    return mapping
