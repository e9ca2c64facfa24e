"""Replacing official statistics needs a second person: an analyst's import that would replace an
official slice waits, unseen by the public pages, until someone else who may approve decides."""

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string

from accounts.roles import SECRETARIAT
from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from trade.importers.uzstat import UzstatImporter
from trade.models import ImportRun, TradeSlice
from trade.services import approve_run, reject_run, run_import
from trade.store import housekeeping, layout

pytestmark = pytest.mark.django_db

DATA = Path(settings.REFERENCE_DATA_DIR) / 'trade'
EXPORTS = DATA / 'uzstat_siat_1105_exports_by_country_2010_2023_kUSD.csv'
IMPORTS = DATA / 'uzstat_siat_1176_imports_by_country_2010_2023_kUSD.csv'
CHINA = '156'
REVISED_KUSD = '100000000'  # $100 billion instead of $2.49 billion


def table(path: Path) -> list[dict]:
    with path.open(encoding='utf-8-sig', newline='') as handle:
        return list(csv.DictReader(handle))


def kusd(path: Path, year: int, code: str = CHINA) -> Decimal:
    return next(Decimal(row[str(year)]) for row in table(path) if row['Code'] == code)


def year_total_usd(rows: list[dict], year: int) -> Decimal:
    """A year's exports to every partner in USD, as the importer stores them (thousands × 1000)."""
    return sum((Decimal(row[str(year)]) * 1000 for row in rows if row[str(year)].strip()), Decimal(0))


def revised_exports(tmp_path, kusd_value: str = REVISED_KUSD, name='uzstat_1105_exports_revised.csv') -> Path:
    """The official export table with China's 2023 value changed, every other cell as it was."""
    text = EXPORTS.read_text(encoding='utf-8-sig')
    line = next(line for line in text.splitlines() if line.startswith(f'{CHINA},'))
    cells = line.split(',')
    cells[-1] = kusd_value
    path = tmp_path / name
    path.write_text(text.replace(line, ','.join(cells)), encoding='utf-8')
    return path


def turnover_shown(client) -> str:
    page = client.get('/trade/').content.decode()
    return re.search(r'id="latest-turnover" title="([^"]+)"', page).group(1)


def usd(amount: Decimal) -> str:
    return f'${amount:,.2f}'


def exports_2023() -> TradeSlice:
    return TradeSlice.objects.get(source='uzstat', flow='X', year=2023)


@pytest.fixture
def pending(official, tmp_path, make_user, django_capture_on_commit_callbacks):
    """An Uzbek analyst's import of the export table with China's 2023 value at $100 billion."""
    analyst = make_user('uz-analyst')
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(UzstatImporter(revised_exports(tmp_path)), actor=analyst)
    return report.run, analyst


def test_the_preview_shows_each_replaced_slice_before_and_after_with_the_difference(official, tmp_path, make_user):
    analyst = make_user('uz-analyst')
    current = exports_2023()

    report = run_import(UzstatImporter(revised_exports(tmp_path)), actor=analyst, dry_run=True)

    [change] = report.replaced
    assert change.key == ('uzstat', 'UZB', 'X', 2023, 0, 'TOTAL')
    assert [other.action for other in report.slices if other is not change] == ['unchanged'] * 13
    rows = table(EXPORTS)
    before = year_total_usd(rows, 2023)
    after = before + (Decimal(REVISED_KUSD) - kusd(EXPORTS, 2023)) * 1000
    assert (change.previous_rows, change.rows) == (current.row_count, current.row_count)
    assert change.previous_value_usd == pytest.approx(float(before), abs=0.01)
    assert change.value_usd == pytest.approx(float(after), abs=0.01)
    assert change.difference_usd == pytest.approx(float(after - before), abs=0.01)
    assert change.difference_pct == pytest.approx(float((after - before) / before), rel=1e-9)
    assert report.needs_approval
    assert not ImportRun.objects.filter(status='pending').exists()  # a dry run stores nothing

    html = render_to_string('trade/import_report.html', {'report': report})
    row = re.search(r'<tr data-slice="uzstat UZB X 2023 TOTAL">(.*?)</tr>', html, re.S).group(1)
    cells = dict(re.findall(r'data-value="(\w+)">([^<]*)<', row))
    percent = ((after - before) / before * 100).quantize(Decimal('0.1'))
    assert cells == {
        'before': usd(before.quantize(Decimal('0.01'))),
        'after': usd(after.quantize(Decimal('0.01'))),
        'difference': usd((after - before).quantize(Decimal('0.01'))),
        'percent': f'{percent:,}%',  # as English writes a share (CLDR)
    }
    assert 'id="needs-approval"' in html


def test_an_analyst_s_replacement_waits_and_the_public_figure_stays(client, pending):
    run, _analyst = pending
    official_turnover = (kusd(EXPORTS, 2023) + kusd(IMPORTS, 2023)) * 1000

    assert run.status == 'pending' and run.slices_replaced == 1
    assert exports_2023().run.status == 'applied'  # the registry still names the official slice
    assert turnover_shown(client) == usd(official_turnover)
    # its files are kept for the review: not orphans of housekeeping
    [entry] = run.slice_changes
    assert (layout.trade_directory() / entry['path']).is_dir()
    assert housekeeping.find_orphans() == []
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'id="run-pending"' in page and 'Approve' not in page


def test_only_someone_else_who_may_approve_sees_and_approves(
    client, client_as, make_user, pending, django_capture_on_commit_callbacks
):
    run, analyst = pending
    old_path = exports_2023().path
    approve_url, reject_url = f'/trade/approvals/{run.pk}/approve/', f'/trade/approvals/{run.pk}/reject/'

    # the importer sees their run, without the buttons, and may not approve it
    client.force_login(analyst)
    page = client.get('/trade/approvals/').content.decode()
    assert f'id="run-{run.pk}"' in page and approve_url not in page
    assert client.post(approve_url).status_code == 403
    assert client.post(reject_url).status_code == 403
    with pytest.raises(PermissionDenied):
        approve_run(run=run, actor=analyst)
    # nor may a user who has since become an approver approve their own import
    analyst.groups.add(analyst.groups.model.objects.get(name=SECRETARIAT))
    analyst = type(analyst).objects.get(pk=analyst.pk)
    with pytest.raises(PermissionDenied, match='someone else'):
        approve_run(run=run, actor=analyst)
    # other users without the permission: no list, no action
    for role in ('uz-analyst', 'cn-analyst', None):
        client_as(role)
        assert client.get('/trade/approvals/').status_code == 403
        assert client.post(approve_url).status_code == 403
    client.logout()
    assert client.get('/trade/approvals/').status_code == 302  # to the login page
    assert client.post(approve_url).status_code == 302
    assert ImportRun.objects.get(pk=run.pk).status == 'pending'
    assert exports_2023().path == old_path

    reviewer = make_user(SECRETARIAT)
    client.force_login(reviewer)
    page = client.get('/trade/approvals/').content.decode()
    assert approve_url in page and reject_url in page
    assert 'data-slice="uzstat UZB X 2023 TOTAL"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve_url)

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.reviewed_by, run.reviewed_name) == ('applied', reviewer, reviewer.username)
    assert exports_2023().run == run
    assert not (layout.trade_directory() / old_path).exists()  # the replaced files are removed
    expected = (Decimal(REVISED_KUSD) + kusd(IMPORTS, 2023)) * 1000
    client.logout()
    assert turnover_shown(client) == usd(expected)
    review = ObjectChange.objects.for_record(run).get(action='update')
    assert (review.before['status'], review.after['status'], review.actor) == ('pending', 'applied', reviewer)
    slice_change = ObjectChange.objects.for_record(exports_2023()).get(action='update')
    assert slice_change.after['run_id'] == run.pk and slice_change.actor == reviewer
    # a decided run is not decided again
    with pytest.raises(ValidationError, match='not awaiting approval'):
        reject_run(run=run, actor=reviewer)


def test_a_rejected_import_leaves_the_store_and_removes_its_files(
    client, make_user, pending, django_capture_on_commit_callbacks
):
    run, _analyst = pending
    before = exports_2023()
    [entry] = run.slice_changes
    written = layout.trade_directory() / entry['path']
    assert written.is_dir()
    client.force_login(make_user(SECRETARIAT))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f'/trade/approvals/{run.pk}/reject/').status_code == 302

    run.refresh_from_db()
    assert run.status == 'rejected'
    assert not written.exists()
    assert not [
        path for path in layout.flows_directory().glob('uzstat/run-*') if path.name.startswith(f'run-{run.pk}-')
    ]
    assert (exports_2023().checksum, exports_2023().path) == (before.checksum, before.path)
    assert ObjectChange.objects.for_record(run).get(action='update').after['status'] == 'rejected'
    assert 'id="run-rejected"' in client.get(run.get_absolute_url()).content.decode()


def test_an_approval_whose_slice_changed_meanwhile_is_refused(
    pending, tmp_path, make_user, django_capture_on_commit_callbacks
):
    run, _analyst = pending
    with django_capture_on_commit_callbacks(execute=True):  # the operator's command applies at once
        direct = run_import(UzstatImporter(revised_exports(tmp_path, '3000000', name='exports_2.csv')), actor=SYSTEM)
    assert direct.run.status == 'applied' and exports_2023().run == direct.run

    with pytest.raises(ValidationError, match='import the file again'):
        approve_run(run=run, actor=make_user(SECRETARIAT))

    assert ImportRun.objects.get(pk=run.pk).status == 'pending'
    assert exports_2023().run == direct.run


def test_the_secretariat_new_slices_and_illustrative_data_apply_at_once(official, tmp_path, make_user):
    secretariat = make_user(SECRETARIAT)
    report = run_import(UzstatImporter(revised_exports(tmp_path)), actor=secretariat)
    assert (report.needs_approval, report.run.status) == (False, 'applied')
    assert exports_2023().run == report.run

    # a year the store does not have yet is new, not a replacement: an analyst adds it at once
    analyst = make_user('uz-analyst')
    path = tmp_path / 'uzstat_exports_2024.csv'
    path.write_text('Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2024\n156,Xitoy,Китай,China,1\n')
    report = run_import(UzstatImporter(path), actor=analyst)
    assert (report.needs_approval, report.run.status, report.count('new')) == (False, 'applied', 1)


def test_through_the_import_page_an_analyst_submits_the_replacement_for_approval(
    official, tmp_path, settings, client_as, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / 'media'
    client = client_as('uz-analyst')
    path = revised_exports(tmp_path)
    with path.open('rb') as handle:
        preview = client.post('/trade/import/', {'action': 'preview', 'kind': 'uzstat', 'file': handle})

    assert preview.context['report']['needs_approval'] is True
    assert 'Submit for approval' in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post('/trade/import/', {'action': 'apply', 'token': preview.context['token']}, follow=True)

    run = ImportRun.objects.get(status='pending')
    assert applied.redirect_chain[-1][0] == run.get_absolute_url()
    assert [str(message) for message in applied.context['messages']] == [
        f'Import run #{run.pk} replaces official statistics: it awaits the approval of a second person, '
        'and the pages show the current figures until then.'
    ]
    assert exports_2023().run.status == 'applied'
