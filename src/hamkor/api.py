"""API conventions shared by every endpoint: pagination and the error format.

Every error response has the same shape, whatever raised it (a delete that other records still
refer to answers 409 "in_use"):
    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"name_en": ["…"]}}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = 'page_size'
    max_page_size = 1000


class InUse(exceptions.APIException):
    """A delete refused because other records still refer to the record (409)."""

    status_code = 409
    default_code = 'in_use'


def in_use(error: ProtectedError | RestrictedError) -> InUse:
    """Name the kinds of records that refer to the one to delete, never the records themselves:
    some may be hidden from the caller (a restricted project's amount, say)."""
    referring = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    kinds = sorted({str(record._meta.verbose_name_plural) for record in referring})
    return InUse(
        _('Other records still refer to this one (%(kinds)s): remove those references first. Nothing was deleted.')
        % {'kinds': ', '.join(kinds)}
    )


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, 'error_dict') else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = in_use(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    error = {'status': response.status_code, 'code': _code(exc, detail), 'message': _message(exc, detail)}
    if isinstance(exc, exceptions.ValidationError):
        error['fields'] = detail if isinstance(detail, dict) else {'non_field_errors': detail}
    response.data = {'error': error}
    return response


def _code(exc, detail) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return 'invalid'
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else getattr(exc, 'default_code', 'error')


def _message(exc, detail) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return 'The request has invalid fields.'
    return str(detail) if detail is not None else str(exc)


def error_response(status: int, code: str, message: str) -> Response:
    return Response({'error': {'status': status, 'code': code, 'message': message}}, status=status)


def summarize_operations(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every operation of the API docs gets a summary
    line — what it acts on, from its path, and what it does ("projects › budgets — create",
    "organizations — list") — so that the list of endpoints reads without opening each one
    (the description below it says the rules)."""
    for path, methods in result.get('paths', {}).items():
        segments = [part for part in path.strip('/').split('/')[1:] if part]
        resource = ' › '.join(part for part in segments if not part.startswith('{'))
        of_one = bool(segments) and segments[-1].startswith('{')
        for method, operation in methods.items():
            if not isinstance(operation, dict) or operation.get('summary'):
                continue
            action = {
                'get': 'read one'
                if of_one
                else 'list'
                if operation.get('operationId', '').endswith('_list')
                else 'read',
                'post': 'create',
                'put': 'replace',
                'patch': 'change',
                'delete': 'delete',
            }.get(method, method)
            operation['summary'] = f'{resource} — {action}'
    return result
