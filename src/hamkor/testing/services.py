"""A check every write service gets: a user without the permission is refused and nothing is
written — neither the records nor the change log."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied


def assert_refused(write, *models):
    """Call `write()`, expect PermissionDenied, and check that no table of `models` (labels
    'app.Model' or classes) nor the change log changed."""
    tracked = [apps.get_model(model) if isinstance(model, str) else model for model in models]
    tracked.append(apps.get_model('core.ObjectChange'))
    before = [list(model._default_manager.order_by('pk').values()) for model in tracked]
    with pytest.raises(PermissionDenied):
        write()
    after = [list(model._default_manager.order_by('pk').values()) for model in tracked]
    for model, old, new in zip(tracked, before, after, strict=True):
        assert new == old, f'{model._meta.label} changed although the write was refused'
