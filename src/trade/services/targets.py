"""Writes of targets and announced figures (trade.add_target, trade.change_target, trade.delete_target)."""

from django.db import transaction

from hamkor.permissions import require
from trade.models import Target
from trade.validation import TARGET_FIELDS, apply_fields, validate_target


def create_target(*, actor, **values) -> Target:
    require(actor, 'trade.add_target')
    target = Target()
    apply_fields(target, values, TARGET_FIELDS, 'target')
    validate_target(target)
    with transaction.atomic():
        target.save()
    return target


def update_target(*, target: Target, actor, **values) -> Target:
    require(actor, 'trade.change_target', target)
    apply_fields(target, values, TARGET_FIELDS, 'target')
    validate_target(target)
    with transaction.atomic():
        target.save()
    return target


def delete_target(*, target: Target, actor) -> None:
    require(actor, 'trade.delete_target', target)
    with transaction.atomic():
        target.delete()
