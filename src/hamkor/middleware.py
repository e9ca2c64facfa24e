from hamkor.context import change_context, new_request_id


class ChangeContextMiddleware:
    """Open a change context for each request: channel "api" under /api/, otherwise "web".

    The actor is read lazily, because API token authentication happens inside the view, after
    this middleware has run. The request id is returned in the X-Request-ID header so a user
    can quote it and an operator can find the changes made by that request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        channel = 'api' if request.path.startswith('/api/') else 'web'
        with change_context(
            channel=channel,
            request_id=request.request_id,
            actor_getter=lambda: getattr(request, 'user', None),
        ):
            response = self.get_response(request)
        response['X-Request-ID'] = request.request_id
        return response
