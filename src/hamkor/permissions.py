"""The one permission check of every write, and the API's mapping of actions to permissions.

Services call `require(actor, perm, obj)` before they write, whatever channel called them: the
web form, the API, an import or a command. A view's own check only decides what to show; the
service's check is the one that holds.

`actor` is a user, or `SYSTEM` for the operator of the machine (a management command, a demo or
reference loader, a migration), who may do everything and is named in the change log by the
process that ran it.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions


class _System:
    """The operator at the command line: not a user (never stored as one), allowed everything and
    sees every record, as a superuser would."""

    pk = None
    is_authenticated = True
    is_superuser = True
    is_system = True

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def __repr__(self) -> str:
        return 'SYSTEM'


SYSTEM = _System()


def is_system(actor) -> bool:
    return actor is SYSTEM


def user_of(actor):
    """The actor as a row may store it (a `created_by`, a status change's `actor`): the user, or
    None for the operator, whom the change log names by the process that ran it."""
    return None if actor is SYSTEM else actor


def require(actor, perm: str, obj=None) -> None:
    """Refuse (PermissionDenied) unless `actor` holds `perm` ("app.codename") and, where `obj` is
    given and its model has a `visible_to(user)` queryset, may see `obj`: a user never changes a
    record that is hidden from them, even by knowing its key."""
    if actor is SYSTEM:
        return
    if actor is None or not getattr(actor, 'is_authenticated', False) or not actor.has_perm(perm):
        raise PermissionDenied(f'{perm} is required')
    if obj is not None and obj.pk is not None:
        queryset = type(obj)._default_manager.all()
        if hasattr(queryset, 'visible_to') and not queryset.visible_to(actor).filter(pk=obj.pk).exists():
            raise PermissionDenied(f'{perm} is required')


class ModelPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reads are public where the queryset allows it; each write method needs the model
    permission of what it does (POST add, PUT/PATCH change, DELETE delete).

    A viewset's extra action states the permission of what it does in `permission_required`
    on the action (`@action(..., permission_required='portfolio.change_project')`): a status
    change or a new budget line changes a project, it does not add one."""

    def has_permission(self, request, view):
        action = getattr(view, 'action', None)
        handler = getattr(view, action, None) if action else None
        required = getattr(handler, 'permission_required', None)
        if required is None:
            return super().has_permission(request, view)
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(required))


def action_permission(perm: str):
    """Mark a viewset action with the model permission of what it does."""

    def mark(handler):
        handler.permission_required = perm
        return handler

    return mark
