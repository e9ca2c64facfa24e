"""The API's token authentication: DRF's, refusing an expired token and noting its last use."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.tokens import is_expired, note_use

EXPIRED = _('This API token has expired: issue a new one on your account page.')


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`. A token past its expiry (HAMKOR_API_TOKEN_DAYS) is refused
    (401) like an unknown one, with a message that says why."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)  # unknown token, inactive user: 401
        now = timezone.now()
        if is_expired(token, now):
            raise exceptions.AuthenticationFailed(EXPIRED)
        note_use(token, now)
        return user, token
