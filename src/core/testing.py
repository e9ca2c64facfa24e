"""Test fixtures of reference data."""

import pytest

from core.models import Country


@pytest.fixture
def china(db):
    return Country.objects.get(iso3='CHN')


@pytest.fixture
def uzbekistan(db):
    return Country.objects.get(iso3='UZB')
