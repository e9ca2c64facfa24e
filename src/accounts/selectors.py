"""Reads of accounts: one function per page."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import ROLE_LABELS
from accounts.tokens import expires_at, last_used


@dataclass(frozen=True)
class TokenRow:
    key: str
    created: datetime
    last_used: datetime | None  # to the hour; None: not recorded
    expires: datetime | None  # None: does not expire
    expired: bool


@dataclass(frozen=True)
class ProfilePage:
    roles: list[str]
    tokens: list[TokenRow]


def profile_page(user: User) -> ProfilePage:
    now = timezone.now()
    tokens = []
    for token in Token.objects.filter(user=user):
        expires = expires_at(token)
        tokens.append(
            TokenRow(
                key=token.key,
                created=token.created,
                last_used=last_used(token),
                expires=expires,
                expired=expires is not None and now >= expires,
            )
        )
    roles = [ROLE_LABELS.get(name, name) for name in user.role_names]
    return ProfilePage(roles=roles, tokens=tokens)
