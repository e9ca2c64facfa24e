"""A check every write service gets: a user without the permission is refused and nothing is
written — neither the records nor the change log."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied


def table_state(*models) -> list[list[dict]]:
    """Every row of each of `models` (labels 'app.Model' or classes), to compare before and after."""
    classes = [apps.get_model(model) if isinstance(model, str) else model for model in models]
    return [list(model._default_manager.order_by('pk').values()) for model in classes]


def assert_refused(write, *models):
    """Call `write()`, expect PermissionDenied, and check that no table of `models` nor the
    change log changed."""
    before = table_state(*models, 'core.ObjectChange')
    with pytest.raises(PermissionDenied):
        write()
    assert table_state(*models, 'core.ObjectChange') == before, 'a refused write changed data'
