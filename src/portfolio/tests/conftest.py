import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Currency
from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from portfolio import services
from portfolio.models import CooperationSector


@pytest.fixture
def sectors(db):
    return {sector.code: sector for sector in CooperationSector.objects.all()}


@pytest.fixture
def bank(china):
    return organization_services.create_organization(
        actor=SYSTEM, name_en='China Development Bank', name_zh='国家开发银行', kind='bank', country=china
    )


@pytest.fixture
def make_project(sectors):
    """make_project('P-1', status=…, split={'mining': 60, 'geology': 40}, money=[(type, value, currency, date), …])."""

    def make(identifier, *, status='proposal', split=None, money=(), provider=None, **values):
        project = services.create_project(
            actor=SYSTEM,
            identifier=identifier,
            title_en=values.pop('title_en', f'Project {identifier}'),
            sectors=[(sectors[code], Decimal(share)) for code, share in (split or {}).items()],
            **values,
        )
        for kind, value, currency, value_date in money:
            services.add_transaction(
                actor=SYSTEM,
                project=project,
                type=kind,
                value=Decimal(value),
                currency=Currency.objects.get(code=currency),
                value_date=datetime.date.fromisoformat(value_date),
                provider=provider,
            )
        if status != 'proposal':
            services.change_status(actor=SYSTEM, project=project, status=status, reason='test setup')
        project.refresh_from_db()
        return project

    return make


@pytest.fixture
def api_with(make_user):
    """api_with('change_project') → an API client of a user holding only those portfolio permissions."""

    def authenticate(*codenames):
        user = make_user(None)
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label='portfolio', codename__in=codenames)
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=user).key}')
        return api

    return authenticate
