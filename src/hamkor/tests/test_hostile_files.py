"""Files built to take a worker down are refused before they are unpacked or parsed, with where
and why, in bounded memory; nothing is written (the importers plan before they write)."""

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from hamkor.imports import MAX_CELL_CHARACTERS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, Problem
from hamkor.permissions import SYSTEM
from portfolio.imports import plan_import

pytestmark = pytest.mark.django_db
HEADER = ['identifier', 'title_en']


def workbook(*cells) -> bytes:
    """A workbook of projects with two good rows and `cells` ((row, column, value), …) added."""
    book = Workbook()
    sheet = book.active
    for row in (HEADER, ['B-1', 'Bridge'], ['B-2', 'Road']):
        sheet.append(row)
    for row, column, value in cells:
        sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_text_replaced(data: bytes, old: str, new: str) -> bytes:
    """The workbook with `old` replaced in its XML (openpyxl cuts what it writes at 32,767
    characters; other programs do not)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member).replace(old.encode(), new.encode()))
    return buffer.getvalue()


def planned(tmp_path, data: bytes, name: str = 'hostile.xlsx'):
    path = tmp_path / name
    path.write_bytes(data)
    tracemalloc.start()
    try:
        plan = plan_import(path, actor=SYSTEM)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return plan, peak


def test_a_sheet_whose_last_cell_is_xfd1048576_is_refused_at_once_in_little_memory(tmp_path):
    data = workbook((1_048_576, 16_384, 'x'))
    assert len(data) < 10_000  # a few kilobytes that openpyxl's padding would make a million rows

    plan, peak = planned(tmp_path, data)

    assert plan.file_problems == [
        Problem('hostile.xlsx', 'row', 1_048_576, '', f'the sheet has more than {MAX_ROWS:,} rows')
    ]
    assert plan.rows == []
    assert peak < 50 * 1024 * 1024


def test_a_value_beyond_the_last_column_an_import_reads_is_refused_where_it_is(tmp_path):
    plan, _peak = planned(tmp_path, workbook((3, MAX_COLUMNS + 1, 'far right')))

    assert plan.file_problems == [
        Problem(
            'hostile.xlsx', 'row', 3, '', f'the row has values beyond column {MAX_COLUMNS}, the last an import reads'
        )
    ]


def test_a_cell_longer_than_a_spreadsheet_cell_may_be_is_refused_not_cut(tmp_path):
    data = with_text_replaced(workbook((2, 2, 'PLACEHOLDER')), 'PLACEHOLDER', 'x' * (MAX_CELL_CHARACTERS + 1))

    plan, _peak = planned(tmp_path, data)

    assert plan.file_problems == [
        Problem('hostile.xlsx', 'row', 2, '',
                f'a cell holds {MAX_CELL_CHARACTERS + 1:,} characters, more than the {MAX_CELL_CHARACTERS:,} '
                'a spreadsheet cell may hold'),
    ]  # fmt: skip


def test_a_decompression_bomb_is_refused_from_its_zip_directory_without_unpacking(tmp_path):
    buffer = io.BytesIO(workbook())
    padding = MAX_UNPACKED_BYTES + 1024 * 1024  # 101 MB of zeros, deflated to about 100 KB
    with (
        zipfile.ZipFile(buffer, 'a', compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open('xl/media/padding.bin', 'w') as member,
    ):
        for _ in range(padding // (1024 * 1024)):
            member.write(bytes(1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())

    plan, peak = planned(tmp_path, data)

    assert [(problem.line, problem.message) for problem in plan.file_problems] == [
        (1, f'the workbook unpacks to {unpacked / 2**20:.0f} MB, more than the {MAX_UNPACKED_BYTES // 2**20} MB '
            'an import reads'),
    ]  # fmt: skip
    assert peak < 50 * 1024 * 1024


def test_a_file_larger_than_an_import_reads_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / 'huge.csv'
    with path.open('wb') as file:
        file.write(b'identifier,title_en\n')
        file.truncate(MAX_FILE_BYTES + 1)

    plan = plan_import(path, actor=SYSTEM)

    assert [(problem.line, problem.message) for problem in plan.file_problems] == [
        (1, f'the file is 50 MB, more than the {MAX_FILE_BYTES // (1024 * 1024)} MB an import reads')
    ]


def test_a_csv_field_longer_than_the_reader_takes_is_refused_with_its_line(tmp_path):
    path = tmp_path / 'long.csv'
    path.write_text('identifier,title_en\nB-1,Bridge\nB-2,' + 'x' * 200_000 + '\nB-3,Road\n', encoding='utf-8')

    plan = plan_import(path, actor=SYSTEM)

    assert [(problem.line, problem.message) for problem in plan.file_problems] == [
        (3, 'the file is not valid CSV: field larger than field limit (131072)')
    ]
    assert plan.rows == []
