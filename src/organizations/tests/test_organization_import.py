"""The bulk import of organizations: plan, apply, re-import, duplicates (database and file),
rejections, XLSX, command and web page."""

import getpass
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from core.models import ObjectChange
from hamkor.imports import ImportRejected
from hamkor.permissions import SYSTEM
from organizations import services
from organizations.imports import apply_organization_import, plan_organization_import
from organizations.models import Organization, OrganizationAlias

pytestmark = pytest.mark.django_db

URL = '/portfolio/organizations/import/'
HEADER = 'iati_identifier,name_en,name_ru,name_zh,name_uz,aliases,kind,country,tax_id,website,status'
VALID = f"""{HEADER}
CN-USC-CDB,China Development Bank,Китайский банк развития,国家开发银行,Xitoy taraqqiyot banki,CDB,bank,CHN,,,active
,Bank of China,Банк Китая,中国银行,,BOC|Bank of China Ltd,bank,CHN,,https://www.boc.cn,active
,Uzbekistan Railways,Ўзбекистон темир йўллари,,Oʻzbekiston temir yoʻllari,UTY,state_company,UZB,201234567,,
,Center for Quantum Metrology,,量子计量中心,,,joint_center,UZB,,,proposed
"""


def write(directory: Path, text: str, name: str = 'organizations.csv') -> Path:
    file = directory / name
    file.write_text(text, encoding='utf-8')
    return file


@pytest.fixture
def existing(china, uzbekistan):
    """What VALID refers to: CDB (by IATI identifier, unchanged) and Bank of China (by name, changed)."""
    services.create_organization(actor=SYSTEM,
        name_en='China Development Bank', name_ru='Китайский банк развития', name_zh='国家开发银行',
        name_uz='Xitoy taraqqiyot banki', kind='bank', country=china, iati_identifier='CN-USC-CDB', aliases=['CDB'],
    )  # fmt: skip
    services.create_organization(actor=SYSTEM, name_en='Bank of China', kind='bank', country=china, aliases=['BOC'])


def snapshot() -> tuple:
    """Everything an import could write, to show that nothing was."""
    return (
        sorted(Organization.objects.values_list('name_en', 'name_ru', 'iati_identifier', 'kind', 'status')),
        sorted(OrganizationAlias.objects.values_list('organization__name_en', 'name')),
        ObjectChange.objects.count(),
    )


def reasons(plan) -> list[str]:
    return [str(problem) for problem in plan.problems]


def test_dry_run_plans_every_row_and_writes_nothing(existing, tmp_path):
    before = snapshot()

    plan = plan_organization_import(write(tmp_path, VALID))

    assert [(row.line, row.name, row.action, row.changes) for row in plan.rows] == [
        (2, 'China Development Bank', 'unchanged', []),
        (3, 'Bank of China', 'update', ['name_ru', 'name_zh', 'aliases', 'website']),
        (4, 'Uzbekistan Railways', 'create', []),
        (5, 'Center for Quantum Metrology', 'create', []),
    ]
    assert plan.summary() == '2 to create, 1 to update, 1 unchanged, 0 rejected'
    assert snapshot() == before


def test_apply_writes_through_the_services_under_the_import_channel(existing, tmp_path):
    plan = plan_organization_import(write(tmp_path, VALID))

    result = apply_organization_import(plan, actor=SYSTEM)

    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    railways = Organization.objects.get(name_en='Uzbekistan Railways')
    assert (railways.name_ru, railways.name_uz, railways.kind, railways.country.iso3, railways.tax_id) == (
        'Ўзбекистон темир йўллари', 'Oʻzbekiston temir yoʻllari', 'state_company', 'UZB', '201234567'
    )  # fmt: skip
    assert railways.status == 'active'  # blank status: the default
    assert Organization.objects.get(name_en='Center for Quantum Metrology').status == 'proposed'
    bank = Organization.objects.get(name_en='Bank of China')
    assert (bank.name_zh, bank.website) == ('中国银行', 'https://www.boc.cn')
    assert sorted(bank.aliases.values_list('name', flat=True)) == ['BOC', 'Bank of China Ltd']
    changes = ObjectChange.objects.filter(request_id=result.request_id)
    assert sorted(changes.values_list('action', 'object_repr')) == [
        ('create', 'Center for Quantum Metrology'),
        ('create', 'Uzbekistan Railways'),
        ('update', 'Bank of China'),
    ]
    assert set(changes.values_list('channel', 'actor_name')) == {('import', f'import:{getpass.getuser()}')}


def test_importing_the_same_file_again_changes_nothing(existing, tmp_path):
    file = write(tmp_path, VALID)
    apply_organization_import(plan_organization_import(file), actor=SYSTEM)
    before = snapshot()

    again = plan_organization_import(file)
    result = apply_organization_import(again, actor=SYSTEM)

    assert again.counts == {'create': 0, 'update': 0, 'unchanged': 4, 'reject': 0}
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_a_duplicate_of_an_organization_in_the_database_is_refused_and_nothing_is_written(existing, tmp_path):
    # Row 3 is China Development Bank again, spelled in Uzbek Cyrillic and with an alias of the bank.
    text = f"""{HEADER}
,Uzbekistan Railways,,,,,state_company,UZB,,,
,Development Bank of China,,,Хитой тараққиёт банки,cdb,bank,CHN,,,
"""
    before = snapshot()

    plan = plan_organization_import(write(tmp_path, text))

    assert [row.action for row in plan.rows] == ['create', 'reject']
    assert reasons(plan) == [
        "organizations.csv, line 3, field 'name_uz': the name 'Хитой тараққиёт банки' is already a name or alias of "
        f'China Development Bank (#{Organization.objects.get(name_en="China Development Bank").pk}): '
        'an organization is recorded once',
        "organizations.csv, line 3, field 'aliases': the name 'cdb' is already a name or alias of "
        f'China Development Bank (#{Organization.objects.get(name_en="China Development Bank").pk}): '
        'an organization is recorded once',
    ]
    with pytest.raises(ImportRejected, match='2 problem'):
        apply_organization_import(plan, actor=SYSTEM)
    assert snapshot() == before


def test_duplicates_within_the_file_are_rejected_at_both_lines(db, tmp_path):
    text = f"""{HEADER}
,Silk Road Fund,Фонд Шёлкового пути,,,SRF,bank,CHN,,,
,Silk Road Investment Fund,,,,srf,bank,CHN,,,
,Navoi Mining,,,,,state_company,UZB,,,
CN-1,Bank A,,,,,bank,CHN,,,
CN-1,Bank B,,,,,bank,CHN,,,
"""

    plan = plan_organization_import(write(tmp_path, text))

    assert [row.action for row in plan.rows] == ['reject', 'reject', 'create', 'reject', 'reject']
    assert reasons(plan) == [
        "organizations.csv, line 2, field 'aliases': the name 'SRF' is also a name or alias of "
        'Silk Road Investment Fund in line 3: an organization is recorded once',
        "organizations.csv, line 3, field 'aliases': the name 'srf' is also a name or alias of "
        'Silk Road Fund in line 2: an organization is recorded once',
        "organizations.csv, line 5, field 'iati_identifier': IATI identifier CN-1 is in lines 5, 6: "
        'an organization is imported once',
        "organizations.csv, line 6, field 'iati_identifier': IATI identifier CN-1 is in lines 5, 6: "
        'an organization is imported once',
    ]
    assert Organization.objects.count() == 0


def test_two_rows_about_one_organization_are_rejected(existing, tmp_path):
    text = f"""{HEADER}
CN-USC-CDB,China Development Bank,,,,,bank,CHN,,,
,china development bank,,,,,bank,CHN,,,
"""
    pk = Organization.objects.get(name_en='China Development Bank').pk

    plan = plan_organization_import(write(tmp_path, text))

    assert reasons(plan) == [
        f'organizations.csv, line 2: lines 2, 3 all describe China Development Bank (#{pk}): '
        'an organization is imported once',
        f'organizations.csv, line 3: lines 2, 3 all describe China Development Bank (#{pk}): '
        'an organization is imported once',
    ]


def test_a_row_found_by_iati_identifier_renames_the_organization(existing, tmp_path):
    text = f'{HEADER}\nCN-USC-CDB,CDB (China Development Bank),,,,,,,,,\n'
    cdb = Organization.objects.get(iati_identifier='CN-USC-CDB')

    plan = plan_organization_import(write(tmp_path, text))
    apply_organization_import(plan, actor=SYSTEM)

    assert plan.rows[0].changes == ['name_en', 'name_ru', 'name_zh', 'name_uz', 'aliases']
    cdb.refresh_from_db()
    assert (cdb.name_en, cdb.name_ru, cdb.kind, cdb.country.iso3) == ('CDB (China Development Bank)', '', 'bank', 'CHN')
    assert not cdb.aliases.exists()


def test_an_alias_can_move_from_an_existing_organization_to_a_new_one(existing, tmp_path):
    # Bank of China gives up "BOC"; a new organization takes it in the same file.
    text = f"""{HEADER}
,BOC Aviation,,,,BOC,private_company,CHN,,,
,Bank of China,,,,,bank,CHN,,,
"""

    plan = plan_organization_import(write(tmp_path, text))
    apply_organization_import(plan, actor=SYSTEM)

    assert [row.action for row in plan.rows] == ['create', 'update']
    assert list(OrganizationAlias.objects.filter(normalized='boc').values_list('organization__name_en', flat=True)) == [
        'BOC Aviation'
    ]


def test_a_row_with_the_english_name_of_an_organization_but_another_iati_identifier_is_refused(existing, tmp_path):
    text = f'{HEADER}\nCN-OTHER,China Development Bank,,,,,bank,CHN,,,\n'
    pk = Organization.objects.get(name_en='China Development Bank').pk

    plan = plan_organization_import(write(tmp_path, text))

    assert reasons(plan) == [
        f"organizations.csv, line 2, field 'iati_identifier': China Development Bank (#{pk}) has this English name "
        'but the IATI identifier CN-USC-CDB, not CN-OTHER: an organization is recorded once'
    ]


@pytest.mark.parametrize(
    ('row', 'expected'),
    [
        (
            ',Bank X,,,,,pirate,CHN,,,',
            [
                "organizations.csv, line 2, field 'kind': Value 'pirate' is not a valid choice. Known codes: "
                'government, agency, bank, state_company, private_company, contractor, joint_center, '
                'certification_body, other.'
            ],
        ),
        (
            ',Bank X,,,,,bank,XYZ,,,',
            [
                "organizations.csv, line 2, field 'country': unknown country code 'XYZ'; give the ISO 3166 alpha-3 "
                'code, e.g. UZB or CHN'
            ],
        ),  # fmt: skip
        (
            ',Bank X,,,,,bank,,,,',
            [
                "organizations.csv, line 2, field 'country': "
                'a new organization needs its country (ISO 3166 alpha-3 code)'
            ],
        ),
        (',Bank X,,,,,bank,CHN,,not a url,', ["organizations.csv, line 2, field 'website': Enter a valid URL."]),
        (
            ',Bank X,,,,,bank,CHN,,,sleeping',
            [
                "organizations.csv, line 2, field 'status': Value 'sleeping' is not a valid choice. "
                'Known codes: active, proposed, closed.'
            ],
        ),
        (
            ',,Банк,,,,bank,CHN,,,',
            ["organizations.csv, line 2, field 'name_en': the English name is empty: every row names its organization"],
        ),
        (
            ',Bank X,,,,--,bank,CHN,,,',
            ["organizations.csv, line 2, field 'aliases': alias '--' has no letter or digit"],
        ),
        (',Bank X,,,,bank,CHN', ['organizations.csv, line 2: the row has 7 values but the header has 11 columns']),
    ],
)
def test_bad_rows_are_rejected_with_file_line_and_field_and_nothing_is_written(db, tmp_path, row, expected):
    plan = plan_organization_import(write(tmp_path, f'{HEADER}\n{row}\n'))

    assert reasons(plan) == expected
    with pytest.raises(ImportRejected):
        apply_organization_import(plan, actor=SYSTEM)
    assert Organization.objects.count() == 0


@pytest.mark.parametrize(
    ('header', 'expected'),
    [
        (
            'name_en,country,colour',
            [
                "organizations.csv, line 1, field 'colour': unknown column; an organization import reads "
                'iati_identifier, name_en, name_ru, name_zh, name_uz, aliases, kind, country, tax_id, website, status'
            ],
        ),
        ('iati_identifier,kind', ["organizations.csv, line 1, field 'name_en': the header has no name_en column"]),
        (
            'identifier,name_en,iati_org_id',
            ["organizations.csv, line 1, field 'iati_identifier': the column appears twice in the header"],
        ),
    ],
)
def test_a_bad_header_refuses_the_file(db, tmp_path, header, expected):
    plan = plan_organization_import(write(tmp_path, f'{header}\nx,y,z\n'))

    assert reasons(plan) == expected
    assert plan.rows == []


def test_identifier_and_iati_org_id_name_the_iati_identifier_column(existing, tmp_path):
    plan = plan_organization_import(write(tmp_path, 'iati_org_id,name_en\nCN-USC-CDB,China Development Bank\n'))

    assert [(row.action, row.target.name_en) for row in plan.rows] == [('unchanged', 'China Development Bank')]


def test_an_xlsx_file_is_read_like_csv_and_rejections_name_the_row(existing, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(','))
    sheet.append([None, 'Uzbekistan Railways', None, None, None, 'UTY', 'state_company', 'UZB', 201234567, None, None])
    sheet.append([None, 'BOC Bank', None, None, None, 'boc', 'bank', 'CHN', None, None, None])
    file = tmp_path / 'organizations.xlsx'
    workbook.save(file)

    plan = plan_organization_import(file)

    assert [row.action for row in plan.rows] == ['create', 'reject']
    assert plan.rows[0].values['tax_id'] == '201234567'
    pk = Organization.objects.get(name_en='Bank of China').pk
    assert reasons(plan) == [
        f"organizations.xlsx, row 3, field 'aliases': the name 'boc' is already a name or alias of Bank of China "
        f'(#{pk}): an organization is recorded once'
    ]


def test_the_command_dry_run_writes_nothing_and_apply_writes(existing, tmp_path):
    file = write(tmp_path, VALID)
    before = snapshot()
    out = io.StringIO()

    call_command('import_organizations', str(file), '--dry-run', stdout=out)

    assert out.getvalue().splitlines() == [
        'organizations.csv: 2 to create, 1 to update, 1 unchanged, 0 rejected',
        'dry run: nothing was written',
    ]
    assert snapshot() == before

    out = io.StringIO()
    call_command('import_organizations', str(file), stdout=out)

    assert out.getvalue().startswith('organizations.csv: 2 to create, 1 to update, 1 unchanged, 0 rejected\nimported: ')
    assert Organization.objects.count() == 4


def test_the_command_refuses_a_file_with_rejections_and_writes_nothing(existing, tmp_path):
    file = write(tmp_path, VALID + ',Another,,,,CDB,bank,CHN,,,\n')
    before = snapshot()

    # "CDB" is the alias line 2 keeps for China Development Bank: both lines are rejected.
    with pytest.raises(CommandError, match=r'2 problem\(s\) in organizations.csv: nothing was written'):
        call_command('import_organizations', str(file), stdout=io.StringIO())
    assert snapshot() == before


#
# The web page
#


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / 'media'
    return settings


def upload(text: str, name: str = 'organizations.csv') -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type='text/csv')


def test_anonymous_visitors_log_in_and_applicants_may_not_import(media, client, client_as):
    response = client.get(URL)
    assert (response.status_code, response['Location']) == (302, f'/accounts/login/?next={URL}')

    applicant = client_as('applicant')
    assert applicant.post(URL, {'action': 'preview', 'file': upload(VALID)}).status_code == 403
    assert not (media.MEDIA_ROOT / 'imports').exists()


def test_the_secretariat_previews_then_applies(media, client_as, existing):
    client = client_as('secretariat')
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID)})

    html = preview.content.decode()
    assert preview.context['plan'].counts == {'create': 2, 'update': 1, 'unchanged': 1, 'reject': 0}
    assert 'Preview of organizations.csv' in html and 'value="apply"' in html
    assert '<span class="mono">name_ru, name_zh, aliases, website</span>' in html
    assert snapshot() == before

    applied = client.post(URL, {'action': 'apply', 'token': preview.context['token'], 'filename': 'organizations.csv'})

    assert (applied.status_code, applied['Location']) == (302, '/portfolio/organizations/')
    assert Organization.objects.count() == 4
    assert set(ObjectChange.objects.filter(channel='import').values_list('actor__username', flat=True)) == {
        preview.context['user'].username
    }
    assert [str(m) for m in client.get('/portfolio/organizations/').context['messages']] == [
        'Imported organizations.csv: 2 created, 1 updated, 1 unchanged.'
    ]


def test_a_preview_with_a_duplicate_offers_no_apply_and_apply_writes_nothing(media, client_as, existing):
    client = client_as('secretariat')
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID + ',CHEXIM Clone,,,,cdb,bank,CHN,,,\n')})
    applied = client.post(URL, {'action': 'apply', 'token': preview.context['token'], 'filename': 'organizations.csv'})

    html = preview.content.decode()
    assert 'value="apply"' not in html
    assert 'the name &#x27;cdb&#x27; is also a name or alias of China Development Bank in line 2' in html
    assert (
        applied.context['error'] == 'Some rows are rejected: nothing was written. Correct the file and upload it again.'
    )
    assert snapshot() == before


def test_updates_need_the_change_permission_too(media, client, make_user, existing):
    user = make_user(None)
    user.user_permissions.add(Permission.objects.get(codename='add_organization'))
    client.force_login(user)
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID)})
    applied = client.post(URL, {'action': 'apply', 'token': preview.context['token'], 'filename': 'organizations.csv'})

    assert applied.status_code == 403
    assert applied.context['error'] == (
        'This file changes existing organizations, which your role may not do. Nothing was written.'
    )
    assert snapshot() == before


#
# What the planner reads
#


def store_organizations(count: int, china, first: int = 0) -> None:
    """`count` organizations the files below do not name (unless they say so), each with an alias."""
    for number in range(first, first + count):
        services.create_organization(actor=SYSTEM, name_en=f'Unrelated company {number}', kind='private_company',
                                     country=china, aliases=[f'UC-{number}'])  # fmt: skip


def planned(plan) -> list[tuple]:
    return [(row.line, row.action, row.changes, [str(problem) for problem in row.problems]) for row in plan.rows]


@contextmanager
def organizations_read():
    """Counts the organizations read from the database (Organization instances made) meanwhile."""
    read = []

    def count(sender, instance, **kwargs):
        read.append(instance)

    post_init.connect(count, sender=Organization)
    try:
        yield read
    finally:
        post_init.disconnect(count, sender=Organization)


def test_the_planner_reads_as_many_queries_with_50_organizations_stored_as_with_5(existing, china, tmp_path):
    # VALID names two stored organizations (by IATI identifier and by name) and two new ones; the
    # last line repeats an alias China Development Bank keeps.
    file = write(tmp_path, VALID + ',Another,,,,CDB,bank,CHN,,,\n')
    store_organizations(5, china)
    with CaptureQueriesContext(connection) as few, organizations_read() as read_of_few:
        with_few = plan_organization_import(file)
    store_organizations(45, china, first=5)
    with CaptureQueriesContext(connection) as many, organizations_read() as read_of_many:
        with_many = plan_organization_import(file)

    assert len(many.captured_queries) == len(few.captured_queries)
    # Only what the file names is read: the two organizations it is about (and the candidates
    # the planner validates for the two new rows, made, not read), never the other 50.
    assert len(read_of_many) == len(read_of_few)
    assert {org.name_en for org in read_of_many if org.pk} == {'China Development Bank', 'Bank of China'}
    assert planned(with_many) == planned(with_few)
    assert [row.action for row in with_many.rows] == ['reject', 'update', 'create', 'create', 'reject']


def test_the_planner_reads_in_batches_and_plans_alike(existing, china, tmp_path, monkeypatch):
    store_organizations(5, china)
    # Found by identifier and by name, new, and aliases moving along a chain of stored companies to
    # the last one's, which a company outside the file keeps (a clash with the database).
    text = VALID + ''.join(f',Unrelated company {number},,,,UC-{number + 1},,,,,\n' for number in range(4))
    file = write(tmp_path, text)
    with CaptureQueriesContext(connection) as at_once:
        whole = plan_organization_import(file)

    monkeypatch.setattr('organizations.imports.BATCH_SIZE', 2)
    with CaptureQueriesContext(connection) as batched:
        in_batches = plan_organization_import(file)

    assert planned(in_batches) == planned(whole)
    assert len(batched.captured_queries) > len(at_once.captured_queries)
    pk = Organization.objects.get(name_en='Unrelated company 4').pk
    assert reasons(whole) == [
        "organizations.csv, line 9, field 'aliases': the name 'UC-4' is already a name or alias of "
        f'Unrelated company 4 (#{pk}): an organization is recorded once'
    ]


def test_a_name_an_updated_organization_keeps_is_checked_against_the_database(existing, china, tmp_path):
    # A deliberate duplicate shares the alias "CDB" of China Development Bank; a file without an
    # aliases column keeps that alias, and it is reported as it is for a name the file gives.
    twin = services.create_organization(actor=SYSTEM, name_en='CDB Leasing', kind='bank', country=china,
                                        aliases=['CDB'], allow_duplicate=True)  # fmt: skip

    plan = plan_organization_import(write(tmp_path, 'iati_identifier,name_en\nCN-USC-CDB,China Development Bank\n'))

    assert reasons(plan) == [
        "organizations.csv, line 2, field 'aliases': the name 'CDB' is already a name or alias of "
        f'CDB Leasing (#{twin.pk}): an organization is recorded once'
    ]
