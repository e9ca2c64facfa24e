"""The pages and services of the saved column mappings of customs files, up to an import with a new mapping."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from core.models import ObjectChange
from hamkor.imports import MAX_UNPACKED_BYTES
from hamkor.permissions import SYSTEM
from trade.analytics import engine
from trade.models import ColumnMapping, ImportRun
from trade.services import create_mapping, update_mapping

pytestmark = pytest.mark.django_db

HEADER = 'Период;Страна;Направление;Код ТН ВЭД;Стоимость, тыс. долл.;Количество;Ед.\n'
ROWS = '2024-01;156;ИМ;850440;120.5;10;шт\n2024-01;156;ЭК;520100;300;25.5;т\n'
FORM = {
    'key': 'uz-customs-monthly',
    'name': 'Uzbek customs, monthly',
    'reporter': 'UZB',
    'classification': 'HS2017',
    'column_year': '',
    'column_month': '',
    'column_period': 'Период',
    'column_partner': 'Страна',
    'column_flow': ' Направление ',
    'column_product': 'Код ТН ВЭД',
    'column_value': 'Стоимость, тыс. долл.',
    'column_quantity': 'Количество',
    'column_unit': 'Ед.',
    'partner_codes': 'm49',
    'flow_codes': 'ИМ = M\n\n ЭК=x \n',
    'value_scale': '1000',
    'delimiter': ';',
    'encoding': 'Windows-1251',
    'action': 'save',
}
COLUMNS = {
    'period': 'Период',
    'partner': 'Страна',
    'flow': 'Направление',
    'product': 'Код ТН ВЭД',
    'value': 'Стоимость, тыс. долл.',
    'quantity': 'Количество',
    'unit': 'Ед.',
}
FIELDS = {
    'key': 'uz-customs-monthly',
    'name': 'Uzbek customs, monthly',
    'reporter': 'UZB',
    'classification': 'HS2017',
    'columns': COLUMNS,
    'partner_codes': 'm49',
    'flow_codes': {'ИМ': 'M', 'ЭК': 'X'},
    'value_scale': 1000,
    'delimiter': ';',
    'encoding': 'cp1251',
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / 'media'


@pytest.fixture
def mapping(db):
    return create_mapping(**FIELDS, actor=SYSTEM)


def a_run(source: str) -> ImportRun:
    now = timezone.now()
    return ImportRun.objects.create(
        source=source, kind='customs', status='applied', actor_name='cli', channel='cli', started=now, finished=now,
        rows_read=2, rows_accepted=2, slices_new=2, slices_replaced=0, slices_unchanged=0,
    )  # fmt: skip


def saved(mapping: ColumnMapping) -> dict:
    return {name: getattr(mapping, name) for name in FIELDS}


#
# Pages
#


def test_create_through_the_page(client_as):
    client = client_as('uz-analyst')

    response = client.post('/trade/mappings/new/', FORM)

    assert response.status_code == 302 and response['Location'] == '/trade/mappings/'
    mapping = ColumnMapping.objects.get()
    assert saved(mapping) == FIELDS  # headers and codes stripped, flow upper-cased, encoding named as Python does
    change = ObjectChange.objects.for_record(mapping).get()
    assert (change.action, change.channel, change.actor.groups.get().name) == ('create', 'web', 'uz-analyst')
    assert change.after['columns'] == COLUMNS and change.after['flow_codes'] == {'ИМ': 'M', 'ЭК': 'X'}
    page = client.get('/trade/mappings/').content.decode()
    assert 'Column mapping “Uzbek customs, monthly” saved.' in page


def test_edit_through_the_page(client_as, mapping):
    client = client_as('secretariat')
    form = client.get('/trade/mappings/uz-customs-monthly/edit/').context['form']
    assert form.initial['column_period'] == 'Период'
    assert form.initial['flow_codes'] == 'ИМ = M\nЭК = X'
    assert not form.fields['key'].disabled

    data = {**FORM, 'key': 'uz-customs', 'column_period': '', 'column_year': 'Год', 'column_month': 'Месяц',
            'flow_codes': '', 'value_scale': '1', 'delimiter': '\t', 'encoding': 'utf8'}  # fmt: skip
    response = client.post('/trade/mappings/uz-customs-monthly/edit/', data)

    assert response.status_code == 302
    mapping.refresh_from_db()
    assert saved(mapping) == {
        **FIELDS,
        'key': 'uz-customs',  # no data imported yet: the key may still change
        'columns': {'year': 'Год', 'month': 'Месяц', **{k: v for k, v in COLUMNS.items() if k != 'period'}},
        'flow_codes': {},
        'value_scale': 1,
        'delimiter': '\t',
        'encoding': 'utf-8',
    }
    update = ObjectChange.objects.for_record(mapping).get(action='update')
    assert (update.before['key'], update.after['key']) == ('uz-customs-monthly', 'uz-customs')
    assert (update.before['value_scale'], update.after['value_scale']) == (1000, 1)
    assert update.before['flow_codes'] == {'ИМ': 'M', 'ЭК': 'X'} and update.after['flow_codes'] == {}


def test_form_errors_beside_their_fields(client_as):
    data = {**FORM, 'column_partner': '', 'column_value': 'Код ТН ВЭД', 'column_year': 'Год',
            'flow_codes': 'ИМ = M\nЭК X\n', 'reporter': 'XXX'}  # fmt: skip

    response = client_as('secretariat').post('/trade/mappings/new/', data)

    assert response.status_code == 200
    assert response.context['form'].errors == {
        'reporter': ['Select a valid choice. That choice is not one of the available choices.'],
        'flow_codes': ['Line 2: write the value in the file, “=”, then the flow, e.g. “EK = X”.'],
    }
    data['reporter'], data['flow_codes'] = 'UZB', 'ИМ = M\nИМ = X\n'
    assert client_as('secretariat').post('/trade/mappings/new/', data).context['form'].errors == {
        'flow_codes': ['Line 2: “ИМ” is already on line 1.'],
    }
    data['flow_codes'] = 'ИМ = M\nЭК = EXPORT\n= X'
    assert client_as('secretariat').post('/trade/mappings/new/', data).context['form'].errors == {
        'column_partner': ['Name the column of the partner country.'],
        'column_value': ['The column “Код ТН ВЭД” is already the column of the product code.'],
        'column_period': ['Give either the period or the year and month, not both.'],
        'flow_codes': ['“ЭК” = “EXPORT”: the flow must be X, M, RX or RM.', 'A value in the file is empty.'],
    }
    assert not ColumnMapping.objects.exists()


def test_page_errors_of_encoding_and_key(client_as, mapping):
    client = client_as('secretariat')

    response = client.post('/trade/mappings/new/', {**FORM, 'encoding': 'klingon'})

    assert response.context['form'].errors == {
        'key': ['Column mapping with this Key already exists.'],
        'encoding': ['“klingon” is not a known encoding.'],
    }
    response = client.post('/trade/mappings/new/', {**FORM, 'key': 'a b', 'encoding': 'base64', 'name': ''})
    assert response.context['form'].errors == {
        'key': ['Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.'],
        'name': ['This field is required.'],
    }
    response = client.post('/trade/mappings/new/', {**FORM, 'key': 'other', 'encoding': 'base64'})
    assert response.context['form'].errors == {'encoding': ['“base64” is not a text encoding.']}


def test_key_is_locked_once_a_run_used_the_mapping(client_as, mapping):
    a_run('customs:uz-customs-monthly')
    client = client_as('secretariat')

    response = client.get('/trade/mappings/uz-customs-monthly/edit/')
    assert response.context['form'].fields['key'].disabled
    assert 'the imported slices refer to the key, so it cannot be changed' in response.content.decode()

    response = client.post('/trade/mappings/uz-customs-monthly/edit/', {**FORM, 'key': 'renamed', 'name': 'Customs'})

    assert response.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.key, mapping.name) == ('uz-customs-monthly', 'Customs')  # the rest may change
    with pytest.raises(ValidationError) as error:
        update_mapping(mapping=mapping, actor=SYSTEM, key='renamed')
    assert error.value.message_dict == {
        'key': [
            'The key cannot be changed: data was imported with this mapping under the source '
            '“customs:uz-customs-monthly”, and the imported slices refer to it.'
        ]
    }


def test_list_page(client_as, mapping, django_assert_num_queries):
    a_run('customs:uz-customs-monthly')
    a_run('customs:uz-customs-monthly')
    a_run('customs:other')
    create_mapping(**{**FIELDS, 'key': 'cn-customs', 'name': 'China customs', 'reporter': 'CHN', 'value_scale': 1,
                      'partner_codes': 'iso2'}, actor=SYSTEM)  # fmt: skip
    client = client_as('uz-analyst')
    # session, user, the user's own and group permissions, the mappings with their runs, the reporters' names
    with django_assert_num_queries(6):
        response = client.get('/trade/mappings/')

    rows = [(m.key, m.reporter_country.iso3, m.runs, str(m.scale_label)) for m in response.context['mappings']]
    assert rows == [('cn-customs', 'CHN', 0, 'USD'), ('uz-customs-monthly', 'UZB', 2, 'thousand USD')]
    page = response.content.decode()
    assert 'ISO alpha-2' in page and 'UN M49 / ISO numeric' in page
    assert 'stored under the source “customs:&lt;key&gt;”' in page
    assert 'href="/trade/mappings/uz-customs-monthly/edit/"' in page and 'href="/trade/mappings/new/"' in page
    create_mapping(**{**FIELDS, 'key': 'kz-customs', 'reporter': 'KAZ'}, actor=SYSTEM)
    with django_assert_num_queries(6):
        assert len(client.get('/trade/mappings/').context['mappings']) == 3


def test_import_page_links_to_the_mappings(client_as):
    page = client_as('uz-analyst').get('/trade/import/').content.decode()

    assert '<a href="/trade/mappings/" id="mapping-list-link">Column mappings</a>' in page


@pytest.mark.parametrize(
    ('name', 'sample', 'found'),
    [
        ('sample.csv', (HEADER + ROWS).replace('Ед.', 'Единица').encode('cp1251'), ['unit']),
        ('sample.xlsx', None, []),
    ],
)
def test_check_against_a_sample_file(client_as, name, sample, found):
    if sample is None:
        workbook, buffer = Workbook(), io.BytesIO()
        for line in (HEADER + ROWS).splitlines():
            workbook.active.append(line.split(';'))
        workbook.save(buffer)
        sample = buffer.getvalue()
    data = {**FORM, 'action': 'check', 'sample': SimpleUploadedFile(name, sample)}

    response = client_as('secretariat').post('/trade/mappings/new/', data)

    assert response.status_code == 200 and not ColumnMapping.objects.exists()
    rows = response.context['checks']['rows']
    assert [row.field for row in rows if not row.found] == found
    assert [row.field for row in rows] == ['period', 'partner', 'flow', 'product', 'value', 'quantity', 'unit']


def test_check_needs_a_readable_sample(client_as):
    client = client_as('secretariat')

    assert client.post('/trade/mappings/new/', {**FORM, 'action': 'check'}).context['form'].errors == {
        'sample': ['Choose a sample file to check.']
    }
    data = {
        **FORM,
        'action': 'check',
        'encoding': 'utf-8',
        'sample': SimpleUploadedFile('a.csv', HEADER.encode('cp1251')),
    }
    assert client.post('/trade/mappings/new/', data).context['form'].errors == {
        'sample': ['The first line of the sample is not utf-8 text.']
    }
    data = {**FORM, 'action': 'check', 'sample': SimpleUploadedFile('a.xlsx', b'not a workbook')}
    assert client.post('/trade/mappings/new/', data).context['form'].errors == {
        'sample': ['The sample is not an XLSX workbook.']
    }


def test_create_a_mapping_then_import_a_customs_file_with_it(trade_data_dir, media, client_as):
    client = client_as('uz-analyst')
    assert client.post('/trade/mappings/new/', FORM).status_code == 302
    upload = SimpleUploadedFile('customs_2024_01.csv', (HEADER + ROWS).encode('cp1251'), content_type='text/csv')

    response = client.post(
        '/trade/import/', {'action': 'preview', 'kind': 'customs', 'mapping': 'uz-customs-monthly', 'file': upload}
    )
    assert response.context['report'].rejections == []
    response = client.post('/trade/import/', {'action': 'apply', 'token': response.context['token']})

    run = ImportRun.objects.get()
    assert response['Location'] == f'/trade/runs/{run.pk}/'
    assert (run.source, run.slices_new) == ('customs:uz-customs-monthly', 2)
    rows = engine.flows().order_by('flow').execute()
    columns = ['source', 'reporter', 'partner', 'flow', 'product', 'value_usd', 'quantity', 'unit']
    assert rows[columns].values.tolist() == [
        ['customs:uz-customs-monthly', 'UZB', 'CHN', 'M', '850440', 120_500.0, 10.0, 'шт'],
        ['customs:uz-customs-monthly', 'UZB', 'CHN', 'X', '520100', 300_000.0, 25.5, 'т'],
    ]
    assert client.get('/trade/mappings/uz-customs-monthly/edit/').context['form'].fields['key'].disabled


#
# Services
#


@pytest.mark.parametrize(
    ('changes', 'expected'),
    [
        ({'columns': {**COLUMNS, 'country': 'Страна'}}, {'columns': ['“country” is not a field of a customs file.']}),
        ({'columns': {k: v for k, v in COLUMNS.items() if k not in ('partner', 'value')}},
         {'columns': ['Name the column of the partner country.', 'Name the column of the value.']}),
        ({'columns': {**COLUMNS, 'product': '  '}}, {'columns': ['The column header of the product code is empty.']}),
        ({'columns': {**COLUMNS, 'quantity': 'Страна '}},
         {'columns': ['The column “Страна” is already the column of the partner country.']}),
        ({'columns': {k: v for k, v in COLUMNS.items() if k != 'period'}},
         {'columns': ['Name the columns of the year and the month, or the column of the period.']}),
        ({'columns': {**COLUMNS, 'year': 'Год'}},
         {'columns': ['Give either the period or the year and month, not both.']}),
        ({'columns': {**{k: v for k, v in COLUMNS.items() if k != 'period'}, 'year': 'Год'}},
         {'columns': ['Name the column of the month too.']}),
        ({'columns': {**{k: v for k, v in COLUMNS.items() if k != 'period'}, 'month': 'Месяц'}},
         {'columns': ['Name the column of the year too.']}),
        ({'columns': ['Период']}, {'columns': ['The columns must map fields to column headers.']}),
        ({'flow_codes': {'EK': 'E', ' ': 'M'}},
         {'flow_codes': ['“EK” = “E”: the flow must be X, M, RX or RM.', 'A value in the file is empty.']}),
        ({'flow_codes': {'EK': 'X', 'EK ': 'X'}}, {'flow_codes': ['“EK” is given twice.']}),
        ({'flow_codes': 'EK=X'}, {'flow_codes': ['The flow codes must map values in the file to flows.']}),
        ({'delimiter': ':'}, {'delimiter': ['The delimiter must be a comma, a semicolon, a vertical bar or a tab.']}),
        ({'delimiter': ';;'}, {'delimiter': ['The delimiter must be a comma, a semicolon, a vertical bar or a tab.']}),
        ({'encoding': 'cp-9999'}, {'encoding': ['“cp-9999” is not a known encoding.']}),
        ({'encoding': 'rot13'}, {'encoding': ['“rot13” is not a text encoding.']}),
        ({'encoding': ' '}, {'encoding': ['Give the encoding of the file, e.g. utf-8 or cp1251.']}),
        ({'reporter': 'XYZ'}, {'reporter': ['“XYZ” is not the ISO alpha-3 code of a country.']}),
        ({'classification': 'HS2030'},
         {'classification': ['The classification must be one of HS1992, HS1996, HS2002, HS2007, HS2012, HS2017, '
                             'HS2022, TOTAL.']}),
        ({'value_scale': 100},
         {'value_scale': ['Values must be in USD (1), thousand USD (1000) or million USD (1000000).']}),
        ({'partner_codes': 'iso'}, {'partner_codes': ["Value 'iso' is not a valid choice."]}),
        ({'key': 'a b', 'name': ''},
         {'key': ['Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.'],
          'name': ['This field cannot be blank.']}),
    ],
    ids=['unknown-field', 'required', 'empty-header', 'twice', 'no-period', 'period-and-year', 'no-month',
         'no-year', 'not-a-dict', 'flows', 'flow-twice', 'flows-not-a-dict', 'delimiter', 'delimiter-length',
         'unknown-encoding', 'not-text', 'no-encoding', 'reporter', 'classification', 'scale', 'partner-codes',
         'key-and-name'],
)  # fmt: skip
def test_every_validation_error(changes, expected):
    with pytest.raises(ValidationError) as error:
        create_mapping(**{**FIELDS, **changes}, actor=SYSTEM)

    assert error.value.message_dict == expected
    assert not ColumnMapping.objects.exists()
    assert not ObjectChange.objects.filter(content_type__model='columnmapping').exists()


def test_reporter_code_is_upper_cased_and_unknown_fields_are_refused(mapping):
    assert update_mapping(mapping=mapping, actor=SYSTEM, reporter='chn').reporter == 'CHN'
    with pytest.raises(TypeError, match='not fields of a column mapping: colour'):
        update_mapping(mapping=mapping, actor=SYSTEM, colour='red')


def test_failed_update_writes_nothing(mapping):
    with pytest.raises(ValidationError):
        update_mapping(mapping=mapping, actor=SYSTEM, name='Renamed', delimiter='/')

    mapping.refresh_from_db()
    assert mapping.name == 'Uzbek customs, monthly'
    assert list(ObjectChange.objects.for_record(mapping).values_list('action', flat=True)) == ['create']


def test_key_of_another_mapping_source_does_not_lock(mapping):
    a_run('customs:uz-customs-monthly-old')

    assert update_mapping(mapping=mapping, actor=SYSTEM, key='uz-customs').key == 'uz-customs'


def test_a_sample_workbook_that_unpacks_too_far_is_refused_unread(client_as):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, 'w', compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open('xl/sharedStrings.xml', 'w') as member,
    ):
        for _ in range(MAX_UNPACKED_BYTES // (1024 * 1024) + 1):
            member.write(bytes(1024 * 1024))
    data = {**FORM, 'action': 'check', 'sample': SimpleUploadedFile('sample.xlsx', buffer.getvalue())}

    response = client_as('secretariat').post('/trade/mappings/new/', data)

    assert response.context['form'].errors == {
        'sample': [f'the workbook unpacks to 101 MB, more than the {MAX_UNPACKED_BYTES // (1024 * 1024)} MB '
                   'an import reads'],
    }  # fmt: skip
