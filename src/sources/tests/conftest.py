import pytest

from hamkor.permissions import SYSTEM
from organizations import services as organization_services
from portfolio import services as portfolio_services
from sources import services


@pytest.fixture
def report(db):
    source = services.create_source(
        actor=SYSTEM,
        key='press-report',
        title='Portfolio exceeds $60 billion',
        kind='press',
        publisher='Trend News Agency',
        date_text='Tashkent, September 2',
        text='The portfolio of joint projects now exceeds $60 billion.',
    )
    services.create_claim(
        actor=SYSTEM,
        source=source,
        metric='portfolio_value',
        comparator='gt',
        value_usd=60_000_000_000,
        period='as of the report',
        quote='now exceeds $60 billion',
        confidence='medium',
    )
    return source


@pytest.fixture
def cited(report, china, make_user):
    """The report cited for a public project, a restricted project, a China-side project and a bank."""
    records = {
        'public': portfolio_services.create_project(actor=SYSTEM, identifier='P-RAIL', title_en='Railway'),
        'restricted': portfolio_services.create_project(
            actor=SYSTEM, identifier='P-SECRET', title_en='Secret smelter', visibility='restricted'
        ),
        'china_side': portfolio_services.create_project(
            actor=SYSTEM, identifier='P-CN', title_en='China-side plant', visibility='side_cn'
        ),
        'bank': organization_services.create_organization(
            actor=SYSTEM, name_en='China Development Bank', kind='bank', country=china
        ),
    }
    secretariat = make_user('secretariat')
    for name, record in records.items():
        services.add_citation(
            record=record, source=report, locator=f'paragraph on {name}', confidence='medium', actor=secretariat
        )
    return records
