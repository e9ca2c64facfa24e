"""Change logging: every create/update/delete of a ChangeLogged model becomes an ObjectChange.

Signals are the right tool here (infrastructure, not domain logic): the log must also catch
writes made through the admin, forms and bulk services without each caller remembering it.
"""

import getpass
import hashlib
import json

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.models import ObjectChange
from hamkor.context import current_change_context, current_change_reason
from hamkor.models import ChangeLoggedMixin

_BEFORE = '_change_log_before'


def snapshot(instance) -> dict:
    """The record's field values as JSON-safe data (foreign keys as ids, m2m as sorted ids)."""
    data = _field_values(instance)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name not in set(instance.change_log_exclude):
                data[field.name] = sorted(getattr(instance, field.name).values_list('pk', flat=True))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _field_values(instance) -> dict:
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
    return data


def snapshots(instances: list, batch: int = 2000, members: dict[str, dict] | None = None) -> list[dict]:
    """snapshot() of many saved records of one model, reading each many-to-many field in one
    query per batch instead of one per record. `members` ({field: {key: [member keys]}}) gives
    them where the caller knows them: nothing is read."""
    if not instances:
        return []
    model = type(instances[0])
    related = [field for field in model._meta.many_to_many if field.name not in set(model.change_log_exclude)]
    if members is None:
        members = {
            field.name: _members(model, field, [instance.pk for instance in instances], batch) for field in related
        }
    result = []
    for instance in instances:
        data = _field_values(instance)
        for field in related:
            data[field.name] = sorted(members[field.name].get(instance.pk, []))
        result.append(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))
    return result


def _members(model, field, keys: list, batch: int) -> dict:
    through = getattr(model, field.name).through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    found: dict = {}
    if len(keys) > batch:
        # Many records: the whole relation table in one read (links are few next to records)
        # costs less than a list of keys per batch.
        wanted = set(keys)
        rows = ((key, member) for key, member in through.objects.values_list(source, target) if key in wanted)
    else:
        rows = through.objects.filter(**{f'{source}__in': keys}).values_list(source, target)
    for key, member in rows:
        found.setdefault(key, []).append(member)
    return found


_LAST = '_change_log_last'


def record_change(instance, action: str, before: dict | None, after: dict | None) -> None:
    if action == ObjectChange.Action.UPDATE and before == after:
        return  # a save that changed nothing is not a change
    context = current_change_context()
    change = ObjectChange.objects.create(**_change_values(context, instance, action, before, after))
    setattr(instance, _LAST, (context.request_id, change))


def record_changes(changes: list[tuple]) -> int:
    """The change log of many writes made with bulk queries (no signals), in one prepared INSERT
    run: `changes` holds (instance, action, before, after), each logged exactly as record_change
    logs the same save. Returns how many rows were written."""
    rows = change_rows(changes)
    if rows:
        sql, parameters = insert_statement(rows)
        with connection.cursor() as cursor:
            cursor.executemany(sql, parameters)
    return len(rows)


def change_rows(changes: list[tuple]) -> list[ObjectChange]:
    """The unsaved ObjectChange rows of record_changes, for a caller that writes them itself."""
    context = current_change_context()
    return [
        ObjectChange(**_change_values(context, instance, action, before, after))
        for instance, action, before, after in changes
        if not (action == ObjectChange.Action.UPDATE and before == after)
    ]


def insert_statement(objects: list) -> tuple[str, list[list]]:
    """One INSERT of new records of one model with the parameters of each, for executemany (no
    signals; keys are inserted when every record has one, else left to the database and not read
    back): bulk_create builds a statement per few dozen rows on SQLite (its limit of parameters),
    and building them costs more than the database's own work."""
    model = type(objects[0])
    with_keys = all(instance.pk is not None for instance in objects)
    fields = [field for field in model._meta.concrete_fields if with_keys or not field.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ', '.join(connection.ops.quote_name(field.column) for field in fields)
    marks = ', '.join(['%s'] * len(fields))
    values = [
        [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields]
        for instance in objects
    ]
    return f'INSERT INTO {table} ({columns}) VALUES ({marks})', values


def _change_values(context, instance, action: str, before: dict | None, after: dict | None) -> dict:
    actor = context.actor
    if actor is not None:
        actor_name = actor.get_username()
    else:
        # Processes without a signed-in user are named after the system account that ran them.
        process = context.channel in ('cli', 'job', 'import')
        actor_name = f'{context.channel}:{_system_user()}' if process else 'anonymous'
    return {
        'actor': actor,
        'actor_name': actor_name,
        'channel': context.channel,
        'request_id': context.request_id,
        'action': action,
        'content_type_id': _content_type_id(instance),
        'object_id': str(instance.pk),
        'object_repr': str(instance)[:200],
        'before': before,
        'after': after,
        'visibility': instance.change_log_visibility(),
        'reason': current_change_reason()[:500],
    }


def follow_visibility(model, levels: dict) -> None:
    """Give the history of records of `model` whose visibility changed ({key: new level}), and
    the history of every record that belongs to one of them (ChangeLoggedMixin.change_log_owner,
    deleted ones included), the records' new level: history follows the record it is about, so
    a record moved to the other side takes all it wrote there with it. Call it in the
    transaction of the move."""
    if not levels:
        return
    record_type = ContentType.objects.get_for_model(model).pk
    keys_at = {}
    for key, level in levels.items():
        keys_at.setdefault(level, []).append(key)
    for level, keys in keys_at.items():
        about = Q(content_type_id=record_type, object_id__in=[str(key) for key in keys])
        for belonging, owner in _belongings(model):
            belonging_type = ContentType.objects.get_for_model(belonging).pk
            if isinstance(owner, GenericForeignKey):
                names = {f'{owner.ct_field}_id': record_type, f'{owner.fk_field}__in': [str(key) for key in keys]}
            else:
                names = {f'{owner.attname}__in': keys}
            for side in ('before', 'after'):
                named = {f'{side}__{name}': value for name, value in names.items()}
                about |= Q(content_type_id=belonging_type, **named)
        ObjectChange.objects.filter(about).exclude(visibility=level).update(visibility=level)


def _belongings(model) -> list[tuple[type, object]]:
    """(model, owner field) of the change-logged models whose records may belong to a `model` record."""
    found = []
    for candidate in apps.get_models():
        name = getattr(candidate, 'change_log_owner', '') if issubclass(candidate, ChangeLoggedMixin) else ''
        if not name:
            continue
        owner = candidate._meta.get_field(name)
        if isinstance(owner, GenericForeignKey) or owner.related_model is model:
            found.append((candidate, owner))
    return found


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
