import math

from axes.handlers.proxy import AxesProxyHandler
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from accounts.lockout import lock_ends
from accounts.services import issue_api_token
from hamkor.api import error_response
from hamkor.security import ScopedRateThrottle


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (the user's current one; a new one if
    they have none or theirs has expired).

    Guarded like the login form: repeated failures lock the username for this client address
    out (429, with Retry-After), and the endpoint has its own request rate limit."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = 'auth'

    def post(self, request, *args, **kwargs):
        username = request.data.get('username', '')
        if AxesProxyHandler.is_locked(request._request, {'username': username}):
            response = error_response(429, 'locked_out', 'Too many failed attempts; try again later.')
            ends = lock_ends(request._request, username)
            if ends is not None:
                response['Retry-After'] = str(
                    max(math.ceil((ends - request._request.axes_attempt_time).total_seconds()), 1)
                )
            return response
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data['user']
        token = issue_api_token(user=user, actor=user)
        return Response({'token': token.key})
