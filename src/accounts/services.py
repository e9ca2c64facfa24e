"""Writes to accounts. Each function takes the acting user (hamkor.permissions.SYSTEM for the
command line and the demo), refuses one without the permission, owns its transaction; the change
log records it."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import ROLES
from accounts.tokens import current_token, replace_token
from core.choices import Side
from hamkor.permissions import require


def _check_roles(roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValidationError({'roles': f'unknown role(s) {", ".join(unknown)}; roles are {", ".join(ROLES)}'})


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    side: str = Side.JOINT,
    email: str = '',
    first_name: str = '',
    last_name: str = '',
    organization=None,
    is_superuser: bool = False,
    actor,
) -> User:
    """Create a user with the given roles after validating the password and the side."""
    require(actor, 'accounts.add_user')
    _check_roles(roles)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        side=side,
        organization=organization,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def set_roles(*, user: User, roles: list[str], actor) -> None:
    require(actor, 'accounts.change_user')
    _check_roles(roles)
    user.groups.set(Group.objects.filter(name__in=roles))


def _require_own_or_change_user(user: User, actor) -> None:
    if actor != user:
        require(actor, 'accounts.change_user', user)


@transaction.atomic
def set_password(*, user: User, password: str, actor) -> None:
    """Give the user a new password after validating it; their API token, if they have one, is
    replaced by a new one (User.save does it, for every path that sets a password). Users set
    their own (the password form has checked the old one); another user's needs the permission
    to change users."""
    _require_own_or_change_user(user, actor)
    validate_password(password, user)
    user.set_password(password)
    user.save()


@transaction.atomic
def issue_api_token(*, user: User, actor) -> Token:
    """The user's API token, issued now if they have none or theirs has expired."""
    _require_own_or_change_user(user, actor)
    return current_token(user)


@transaction.atomic
def rotate_api_token(*, user: User, actor) -> Token:
    """Replace the user's API token (or issue their first); the old one stops working at once.
    Users rotate their own; another user's needs the permission to change users."""
    _require_own_or_change_user(user, actor)
    return replace_token(user) or Token.objects.create(user=user)


@transaction.atomic
def revoke_api_token(*, token: Token, actor) -> None:
    """Delete an API token: it stops working at once and none replaces it. Users revoke their
    own; another user's needs the permission to change users."""
    _require_own_or_change_user(token.user, actor)
    token.delete()
