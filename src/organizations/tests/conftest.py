import pytest

from hamkor.permissions import SYSTEM
from organizations import services


@pytest.fixture
def bank(china):
    return services.create_organization(
        actor=SYSTEM, name_en='China Development Bank', name_zh='国家开发银行', kind='bank', country=china
    )
