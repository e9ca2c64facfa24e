"""Forms and services meet here: a service validates once and raises ValidationError; a page
shows that error on its form, each message on its field where the form has the field. (The API
turns the same error into its error shape in `hamkor.api.exception_handler`.)"""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's validation error on `form`, field by field where the form has the field."""
    for field, messages in getattr(error, 'message_dict', {'__all__': error.messages}).items():
        form.add_error(field if field in form.fields else None, messages)


def filter_errors(filterset) -> list[str]:
    """What is wrong with a filtered view's parameters, one message per field ("Stage: Select a
    valid choice…"): a page shows them and lists nothing rather than silently dropping the
    filters it cannot apply (the API refuses them with a 400 in its error shape)."""
    form = filterset.form
    if not filterset.is_bound or form.is_valid():
        return []
    return [
        f'{form.fields[name].label}: {message}' if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]
