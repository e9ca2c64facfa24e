"""The import page (upload → preview → import) and the public list of import runs."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ObjectChange
from trade.analytics import engine
from trade.models import ImportRun, TradeSlice

pytestmark = pytest.mark.django_db

HEADER = 'Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2022,2023\n'


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / 'media'


def upload(text, name='uzstat_exports.csv'):
    return SimpleUploadedFile(name, text.encode(), content_type='text/csv')


def test_preview_then_import(trade_data_dir, media, client_as):
    client = client_as('uz-analyst')

    response = client.post(
        '/trade/import/', {'action': 'preview', 'kind': 'uzstat', 'file': upload(HEADER + '156,X,К,China,1.5,2\n')}
    )

    assert response.status_code == 200
    report = response.context['report']
    assert (report.count('new'), report.rows_accepted, report.run) == (2, 2, None)
    assert not TradeSlice.objects.exists()
    assert 'uzstat UZB X 2023 TOTAL' in response.content.decode()

    response = client.post('/trade/import/', {'action': 'apply', 'token': response.context['token']})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response['Location'] == f'/trade/runs/{run.pk}/'
    assert (run.actor.groups.get().name, run.channel, run.slices_new) == ('uz-analyst', 'web', 2)
    assert engine.flows().value_usd.sum().execute() == 3_500.0
    assert run.files.get().name == 'uzstat_exports.csv'


def test_rejected_file_shows_every_problem_and_cannot_be_imported(trade_data_dir, media, client_as):
    client = client_as('secretariat')

    response = client.post(
        '/trade/import/',
        {'action': 'preview', 'kind': 'uzstat', 'file': upload(HEADER + '156,X,К,China,-1,2\n999,X,К,Nowhere,1,2\n')},
    )

    page = response.content.decode()
    assert 'negative value -1' in page and 'M49 code 999 is not a country' in page
    assert 'name="action" value="apply"' not in page
    assert response.context['report'].rejected == 2


def test_baci_needs_country_file_and_edition(trade_data_dir, media, client_as):
    response = client_as('secretariat').post(
        '/trade/import/', {'action': 'preview', 'kind': 'baci', 'file': upload('t,i,j,k,v,q\n', 'baci.csv')}
    )

    assert response.context['form'].errors == {
        'countries': ['A BACI file needs its country code file.'],
        'edition': ['Say which HS edition the BACI file uses.'],
    }


def test_expired_token(trade_data_dir, media, client_as):
    response = client_as('secretariat').post('/trade/import/', {'action': 'apply', 'token': '../../etc/passwd'})

    assert response.status_code == 400


def test_run_pages_are_public_with_provenance(trade_data_dir, media, client_as, client, django_assert_num_queries):
    client_as('secretariat').post(
        '/trade/import/', {'action': 'preview', 'kind': 'uzstat', 'file': upload(HEADER + '156,X,К,China,1,2\n')}
    )
    token = next((trade_data_dir.parent / 'media' / 'trade-imports').iterdir()).name
    client.post('/trade/import/', {'action': 'apply', 'token': token})
    run = ImportRun.objects.get()
    client.logout()

    with django_assert_num_queries(3):  # count, runs, their files
        response = client.get('/trade/runs/')
    detail = client.get(f'/trade/runs/{run.pk}/').content.decode()

    assert 'uzstat_exports.csv' in response.content.decode()
    assert run.files.get().sha256 in detail
    assert 'secretariat' not in detail  # who imported is shown to signed-in users only
    assert not ObjectChange.objects.filter(content_type__app_label='trade', action='update').exists()


BACI_COUNTRIES = 'country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n860,Uzbekistan,UZ,UZB\n'


def test_a_baci_file_and_its_country_file_are_kept_together_until_imported(trade_data_dir, media, settings, client_as):
    client = client_as('secretariat')

    preview = client.post(
        '/trade/import/',
        {
            'action': 'preview',
            'kind': 'baci',
            'edition': 'HS2017',
            'file': upload('t,i,j,k,v,q\n2022,860,156,520100,1250.5,400.25\n', 'C:\\data\\BACI_HS17_Y2022_V202401.CSV'),
            'countries': upload(BACI_COUNTRIES, 'country_codes_V202401.csv'),
        },
    )

    stored = Path(settings.MEDIA_ROOT) / 'trade-imports' / preview.context['token']
    assert sorted(path.name for path in stored.iterdir()) == ['countries.csv', 'data.csv', 'options.json']
    assert (preview.context['report'].count('new'), preview.context['report'].rows_accepted) == (1, 1)

    applied = client.post('/trade/import/', {'action': 'apply', 'token': preview.context['token']})

    run = ImportRun.objects.get()
    assert applied['Location'] == f'/trade/runs/{run.pk}/'
    assert sorted(run.files.values_list('role', 'name')) == [
        ('countries', 'country_codes_V202401.csv'),
        ('data', 'BACI_HS17_Y2022_V202401.CSV'),
    ]
    assert not stored.exists()
    assert client.post('/trade/import/', {'action': 'apply', 'token': preview.context['token']}).status_code == 400


def test_an_upload_left_for_a_day_is_removed_by_the_next(trade_data_dir, media, settings, client_as):
    root = Path(settings.MEDIA_ROOT) / 'trade-imports'
    old, recent = root / ('a' * 32), root / ('b' * 32)
    for directory in (old, recent):
        directory.mkdir(parents=True)
        (directory / 'options.json').write_text('{}')
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    client = client_as('secretariat')

    client.post('/trade/import/', {'action': 'preview', 'kind': 'uzstat', 'file': upload(HEADER + '156,X,К,C,1,2\n')})

    assert not old.exists() and recent.exists()
    assert client.post('/trade/import/', {'action': 'apply', 'token': 'a' * 32}).status_code == 400
