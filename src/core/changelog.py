"""Change logging: every create/update/delete of a ChangeLogged model becomes an ObjectChange.

Signals are the right tool here (infrastructure, not domain logic): the log must also catch
writes made through the admin, forms and bulk services without each caller remembering it.
"""

import getpass
import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.models import ObjectChange
from hamkor.context import current_change_context
from hamkor.models import ChangeLoggedMixin

_BEFORE = '_change_log_before'


def snapshot(instance) -> dict:
    """The record's field values as JSON-safe data (foreign keys as ids, m2m as sorted ids)."""
    excluded = set(instance.change_log_exclude)
    redacted = set(instance.change_log_redact)
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        value = field.value_from_object(instance)
        if field.name in redacted and value:
            # A fingerprint shows that a secret changed without keeping anything usable.
            value = 'redacted:' + hashlib.sha256(str(value).encode()).hexdigest()[:12]
        data[field.attname] = value
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name not in excluded:
                data[field.name] = sorted(getattr(instance, field.name).values_list('pk', flat=True))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


_LAST = '_change_log_last'


def record_change(instance, action: str, before: dict | None, after: dict | None) -> None:
    if action == ObjectChange.Action.UPDATE and before == after:
        return  # a save that changed nothing is not a change
    context = current_change_context()
    actor = context.actor
    if actor is not None:
        actor_name = actor.get_username()
    else:
        # Processes without a signed-in user are named after the system account that ran them.
        process = context.channel in ('cli', 'job', 'import')
        actor_name = f'{context.channel}:{_system_user()}' if process else 'anonymous'
    change = ObjectChange.objects.create(
        actor=actor,
        actor_name=actor_name,
        channel=context.channel,
        request_id=context.request_id,
        action=action,
        content_type_id=_content_type_id(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        visibility=instance.change_log_visibility(),
    )
    setattr(instance, _LAST, (context.request_id, change))


def _content_type_id(instance) -> int:
    return ContentType.objects.get_for_model(type(instance)).pk


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return 'unknown'


def _is_logged(sender) -> bool:
    return isinstance(sender, type) and issubclass(sender, ChangeLoggedMixin)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    stored = None
    if instance.pk is not None and not instance._state.adding:
        stored = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, snapshot(stored) if stored is not None else None)


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _is_logged(sender):
        return
    before = getattr(instance, _BEFORE, None)
    action = 'create' if created else 'update'
    record_change(instance, action, None if created else before, snapshot(instance))


def _after_delete(sender, instance, **kwargs):
    if _is_logged(sender):
        record_change(instance, 'delete', snapshot(instance), None)


def _m2m_changed(sender, instance, action, reverse, **kwargs):
    """Fold many-to-many edits into the change this instance just recorded in the same
    request, so that create-then-assign-roles is one entry and `set()` (a remove followed by
    an add) is one update rather than two half-states."""
    if reverse or not isinstance(instance, ChangeLoggedMixin):
        return
    if action.startswith('pre_'):
        setattr(instance, _BEFORE, snapshot(instance))
        return
    if not action.startswith('post_'):
        return
    after = snapshot(instance)
    request_id, change = getattr(instance, _LAST, (None, None))
    if change is None or not request_id or request_id != current_change_context().request_id:
        record_change(instance, 'update', getattr(instance, _BEFORE, None), after)
    elif change.action == 'update' and change.before == after:
        change.delete()
        delattr(instance, _LAST)
    else:
        change.after = after
        change.save(update_fields=['after'])


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid='hamkor_change_log_pre_save')
    post_save.connect(_after_save, dispatch_uid='hamkor_change_log_post_save')
    post_delete.connect(_after_delete, dispatch_uid='hamkor_change_log_post_delete')
    m2m_changed.connect(_m2m_changed, dispatch_uid='hamkor_change_log_m2m')
