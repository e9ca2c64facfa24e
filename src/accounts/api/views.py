from axes.handlers.proxy import AxesProxyHandler
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from hamkor.api import error_response


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token.

    Guarded like the login form: repeated failures lock the username for this address out
    (429), and the endpoint has its own request rate limit.
    """

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = 'auth'

    def post(self, request, *args, **kwargs):
        credentials = {'username': request.data.get('username', '')}
        if AxesProxyHandler.is_locked(request._request, credentials):
            return error_response(429, 'locked_out', 'Too many failed attempts; try again later.')
        return super().post(request, *args, **kwargs)
