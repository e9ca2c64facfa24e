"""The second person's review of an import that would replace official statistics.

An import by a user who may not approve a replacement of official (non-illustrative) slices is
stored as a pending run (trade.services.imports): its files are written, the registry does not
name them. Here another user holding trade.approve_replacement (the secretariat) decides:

    approve_run(*, run, actor) -> ImportRun
        The run's slices become current in one transaction, as an import's commit would make them:
        each replaced TradeSlice row is updated (change-logged with the previous run, checksum and
        row count), the run's status change is change-logged, the replaced files are removed and
        the caches warmed after the commit. Refused (ValidationError, nothing changes) when a
        slice it replaces changed since the import, or a slice it adds was added meanwhile: the
        reviewer saw a difference that is no longer the one it would make, so the file is to be
        imported again; or when its written files are no longer as written.

    reject_run(*, run, actor) -> ImportRun
        The run is marked rejected (change-logged, kept as the record of the attempt) and its
        files are removed after the commit.

Both require trade.approve_replacement, and refuse the person who made the import: approval is
worth something only from someone else. The operator (hamkor.permissions.SYSTEM) may review any
run; its own imports never wait.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamkor.permissions import is_system, require, user_of
from trade.models import ImportRun, TradeSlice
from trade.schema import SLICE_KEY
from trade.selectors.warm import warm_cache_quietly
from trade.services.imports import APPROVE_PERMISSION, _switch_slices
from trade.store import integrity
from trade.store.housekeeping import remove_files
from trade.store.writer import SliceChange

__all__ = ['APPROVE_PERMISSION', 'approve_run', 'may_review', 'reject_run']


def may_review(user, run: ImportRun) -> bool:
    """Whether `user` may approve or reject `run` (what the pages offer; the services decide)."""
    return (
        run.is_pending
        and user.has_perm(APPROVE_PERMISSION)
        and (is_system(user) or run.actor_id is None or run.actor_id != user.pk)
    )


def approve_run(*, run: ImportRun, actor) -> ImportRun:
    _require_reviewer(actor, run)
    superseded: list[str] = []
    with transaction.atomic():
        run = _pending(run)
        entries = run.slice_changes
        keys = [_key(entry) for entry in entries]
        current = {
            trade_slice.key: trade_slice
            for trade_slice in TradeSlice.objects.select_for_update().filter(source=run.source)
            if trade_slice.key in set(keys)
        }
        stale = [
            _label(entry)
            for entry, key in zip(entries, keys, strict=True)
            if (current[key].checksum if key in current else None) != entry.get('previous_checksum')
        ]
        if stale:
            raise ValidationError(
                _(
                    'The current data of %(slices)s changed after this import was made: it was not applied. '
                    'Reject it and import the file again to review the change it makes now.'
                )
                % {'slices': ', '.join(stale)},
                code='stale',
            )
        damaged = [_label(entry) for entry in entries if integrity.pending_problems(entry)]
        if damaged:
            raise ValidationError(
                _(
                    'The files this import wrote for %(slices)s are missing or damaged: '
                    'reject it and import the file again.'
                )
                % {'slices': ', '.join(damaged)},
                code='damaged',
            )
        changes = [
            SliceChange(
                key, 'replaced' if key in current else 'new', entry['rows'], entry['checksum'],
                entry.get('previous_rows'), current[key].pk if key in current else None,
            )
            for entry, key in zip(entries, keys, strict=True)
        ]  # fmt: skip
        written = {key: entry['path'] for entry, key in zip(entries, keys, strict=True)}
        digests = {key: entry['files'] for entry, key in zip(entries, keys, strict=True)}
        superseded = _switch_slices(run, changes, written, digests)
        _review(run, actor, ImportRun.Status.APPLIED)
    transaction.on_commit(lambda: remove_files(superseded))
    if settings.HAMKOR_WARM_CACHE_AFTER_IMPORT:
        transaction.on_commit(warm_cache_quietly)
    return run


def reject_run(*, run: ImportRun, actor) -> ImportRun:
    _require_reviewer(actor, run)
    with transaction.atomic():
        run = _pending(run)
        paths = [entry['path'] for entry in run.slice_changes if entry.get('path')]
        _review(run, actor, ImportRun.Status.REJECTED)
    # after the commit: until then the run is pending and its files must stay
    transaction.on_commit(lambda: remove_files(paths))
    return run


def _require_reviewer(actor, run: ImportRun) -> None:
    require(actor, APPROVE_PERMISSION)
    if not is_system(actor) and run.actor_id is not None and run.actor_id == actor.pk:
        raise PermissionDenied(_('An import that replaces official statistics is reviewed by someone else.'))


def _pending(run: ImportRun) -> ImportRun:
    """The run, locked, if it still awaits review (another reviewer may have been first)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_pending:
        raise ValidationError(
            _('Import run #%(id)s is not awaiting approval (it is %(status)s).')
            % {'id': run.pk, 'status': run.get_status_display()},
            code='not_pending',
        )
    return run


def _review(run: ImportRun, actor, status: str) -> None:
    user = user_of(actor)
    run.status = status
    run.reviewed_by = user
    run.reviewed_name = user.get_username() if user is not None else 'cli'
    run.reviewed_at = timezone.now()
    run.save(update_fields=['status', 'reviewed_by', 'reviewed_name', 'reviewed_at'])  # change-logged


def _key(entry: dict) -> tuple:
    return tuple(entry[name] for name in SLICE_KEY)


def _label(entry: dict) -> str:
    source, reporter, flow, year, month, classification = _key(entry)
    period = f'{year}' if not month else f'{year}-{month:02d}'
    return f'{source} {reporter} {flow} {period} {classification}'
