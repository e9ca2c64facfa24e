"""API tokens: at most one per user (rest_framework.authtoken's Token), sent as the header
`Authorization: Token <key>`.

- A token is replaced by a new one whenever its user's password changes, whatever changed it
  (the profile page, the admin, a service, `changepassword`): see `accounts.models.User.save`.
- With `HAMKOR_API_TOKEN_DAYS` set, a token stops working that many days after it was issued
  (`accounts.authentication.TokenAuthentication` refuses it); unset, tokens do not expire.
- When a token was last used is kept, to the hour, in the cache every worker shares (not in
  the database: a request reads and writes no row for it, and waits for no database lock). It
  is informative only: an entry the cache drops shows as "not recorded".
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

# How exactly the last use of a token is recorded: at most one cache write per token in this time.
LAST_USE_PRECISION = timedelta(hours=1)
LAST_USE_KEPT = timedelta(days=400)


def lifetime() -> timedelta | None:
    days = settings.HAMKOR_API_TOKEN_DAYS
    return timedelta(days=days) if days else None


def expires_at(token: Token) -> datetime | None:
    span = lifetime()
    return token.created + span if span else None


def is_expired(token: Token, now: datetime | None = None) -> bool:
    end = expires_at(token)
    return end is not None and (now or timezone.now()) >= end


@transaction.atomic
def replace_token(user) -> Token | None:
    """Delete the user's token and issue a new one in its place; a user without a token gets
    none. The old key stops working at once."""
    had_token = Token.objects.filter(user=user).delete()[0] > 0
    return Token.objects.create(user=user) if had_token else None


@transaction.atomic
def current_token(user) -> Token:
    """The user's token, issued now if they have none or theirs has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not is_expired(token):
        return token
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def _last_use_key(token: Token) -> str:
    # The key names a digest of the token, never the token itself.
    return 'api-token-used:' + hashlib.sha256(token.key.encode()).hexdigest()[:32]


def last_used(token: Token) -> datetime | None:
    return cache.get(_last_use_key(token))


def note_use(token: Token, now: datetime) -> None:
    """Record that the token was used now, unless a use less than LAST_USE_PRECISION ago is
    already recorded."""
    previous = last_used(token)
    if previous is None or now - previous >= LAST_USE_PRECISION:
        cache.set(_last_use_key(token), now, LAST_USE_KEPT.total_seconds())
