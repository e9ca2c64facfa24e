"""What a locked-out client is told. django-axes counts the failures and refuses the log-ins
(settings AXES_*): per username and client address, for a fixed time after the failure that
locked the pair."""

from datetime import datetime

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.shortcuts import render

from hamkor.security import client_address


def lock_ends(request, username: str) -> datetime | None:
    """When log-in as `username` from this request's client address is allowed again (None:
    no failure of that pair is recorded)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=client_address(request)).aggregate(
        last=Max('attempt_time')
    )['last']
    cool_off = get_cool_off(request)
    return last + cool_off if last and cool_off else None


def locked_out(request, original_response=None, credentials=None):
    """The page of a refused log-in (AXES_LOCKOUT_CALLABLE), 429."""
    ends = lock_ends(request, get_client_username(request, credentials) or '')
    return render(request, 'accounts/locked_out.html', {'ends': ends}, status=429)
