"""The rules the sources services hold whatever channel calls them (the API's cases are in
test_sources_api_cases.py)."""

import pytest
from django.core.exceptions import ValidationError

from hamkor.permissions import SYSTEM
from sources import services

pytestmark = pytest.mark.django_db


def test_the_service_refuses_a_figure_of_zero(report):
    with pytest.raises(ValidationError) as raised:
        services.create_claim(actor=SYSTEM, source=report, metric='trade_turnover', comparator='approx', value_usd=0,
                              quote='q', confidence='low')  # fmt: skip

    assert raised.value.message_dict == {'value_usd': ['An announced figure must be more than 0 USD.']}
