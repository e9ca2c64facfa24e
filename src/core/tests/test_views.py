import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_reference_page_shows_reference_counts_latest_rates_and_a_chart(client):
    response = client.get(reverse('core:reference_index'))
    page = response.content.decode()

    assert response.context['summary'].countries == 249
    assert [(rate.currency_id, rate.period_label) for rate in response.context['latest']] == [
        ('CNY', '2026-06'),
        ('UZS', '2025-09'),
    ]
    assert 'data-chart="chart-cny"' in page
    assert '"mark":{"type":"line"' in page


def test_hs_search_by_code_returns_the_table_and_htmx_gets_only_the_fragment(client):
    full = client.get(reverse('core:hs_browse'), {'q': '850440', 'edition': '2022'})
    fragment = client.get(reverse('core:hs_browse'), {'q': '850440', 'edition': '2022'}, HTTP_HX_REQUEST='true')

    assert [item.code for item in full.context['page']] == ['850440']
    assert '<html' in full.content.decode() and '<html' not in fragment.content.decode()
    assert 'Electrical static converters' in fragment.content.decode()


def test_hs_browse_without_query_lists_sections_with_their_chapters(client):
    response = client.get(reverse('core:hs_browse'), {'edition': '2017'})

    sections = list(response.context['sections'])
    assert len(sections) == 21
    assert [chapter.code for chapter in sections[0].chapters] == ['01', '02', '03', '04', '05']
    assert [chapter.code for chapter in response.context['unsectioned']] == ['99']


def test_hs_detail_shows_the_lineage(client):
    response = client.get(reverse('core:hs_detail', args=['2022', '850440']))

    assert [item.code for item in response.context['lineage']] == ['85', '8504']
    assert response.context['other_edition'].edition == '2017'


def test_fx_converter_shows_the_result_with_the_rate_and_source(client):
    response = client.get(
        reverse('core:fx_rates'),
        {'amount': '1000', 'currency': 'CNY', 'to': 'USD', 'date': '2023-06-15'},
        HTTP_HX_REQUEST='true',
    )
    page = response.content.decode()

    assert '139.64 USD' in page
    assert 'Rate used: 7.1614 CNY per USD, monthly average 2023-06' in page
    assert 'Federal Reserve H.10' in page


@pytest.mark.parametrize(
    ('params', 'message'),
    [
        (
            {'amount': 'abc', 'currency': 'CNY', 'date': '2023-01-01'},
            'Enter an amount (a number) and a date (YYYY-MM-DD).',
        ),
        ({'amount': '-5', 'currency': 'CNY', 'date': '2023-01-01'}, 'The amount must not be negative.'),
        ({'amount': '5', 'currency': 'QQQ', 'date': '2023-01-01'}, 'Unknown currency: QQQ.'),
        ({'amount': '5', 'currency': 'UZS', 'date': '2005-06-01'}, 'No UZS per USD rate covers 2005-06-01'),
    ],
)
def test_fx_converter_errors(client, params, message):
    response = client.get(reverse('core:fx_rates'), params, HTTP_HX_REQUEST='true')

    assert response.context['conversion'] is None
    assert message in response.context['error']


def test_sector_list_groups_by_category_and_searches(client):
    response = client.get(reverse('core:sector_list'), {'q': 'solar'})

    assert [(code, [item.code for item in members]) for code, _, members in response.context['groups']] == [
        ('230', ['23067']),  # Solar energy (a withdrawn code, shown as such)
        ('232', ['23230']),  # Solar energy for centralised grids
    ]
    assert 'withdrawn' in response.content.decode()


def test_country_list_search(client):
    response = client.get(reverse('core:country_list'), {'q': 'Qirgʻiziston'})

    assert [country.iso3 for country in response.context['page']] == ['KGZ']


def test_data_sources_list_every_loaded_file(client):
    response = client.get(reverse('core:dataset_list'))

    assert [dataset.key for dataset in response.context['datasets']] == [
        'cooperation-sectors', 'countries', 'currencies', 'fx-annual', 'fx-cny-monthly', 'fx-uzs-monthly',
        'hs-sections', 'hs2017', 'hs2022',
        'iati-codelists',
    ]  # fmt: skip
