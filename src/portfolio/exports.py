"""Exports of any filtered set of projects, with codes and names side by side.

CSV streams row by row from a database iterator (flat memory, no row limit); XLSX is written
in openpyxl's write-only mode. Both mark illustrative records in a column of their own.
"""

import csv
import io
import tempfile
from collections.abc import Iterator

from django.db.models import Case, CharField, Func, Value, When
from django.db.models.functions import Cast
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from portfolio.choices import ProjectStatus, Region, Stage
from portfolio.filters import ProjectFilter
from portfolio.models import Project, ProjectSector

COLUMNS = [
    'identifier', 'data_status', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'status_name', 'stage',
    'stage_name', 'counted_in_aggregates', 'value_usd', 'value_basis', 'value_year', 'amounts_not_converted',
    'sectors', 'region', 'region_name', 'parent', 'is_umbrella', 'visibility', 'planned_start', 'planned_end',
    'actual_start', 'actual_end',
]  # fmt: skip
CHUNK = 2000
LABELS = {'status': dict(ProjectStatus.choices), 'stage': dict(Stage.choices), 'region': dict(Region.choices)}


def export_queryset(user, params):
    projects = Project.objects.visible_to(user).order_by('identifier')
    return ProjectFilter(params, queryset=projects).qs


class MoneyText(Func):
    """An amount as text with two decimals, formatted by the database.

    Reading amounts and dates as Python objects only to print them again was most of the
    export's time; the database returns them as the text the file holds."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "CASE WHEN %(expressions)s IS NULL THEN NULL ELSE printf('%%.2f', %(expressions)s) END"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault('template', 'CAST(%(expressions)s AS text)')
        return super().as_sql(compiler, connection, **extra)


class PercentText(Func):
    """A percentage as text without trailing zeros (60.00 -> "60", 33.50 -> "33.5"), as
    hamkor.numbers.plain writes it."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="printf('%%g', %(expressions)s)", **extra)

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault('template', 'CAST(trim_scale(%(expressions)s) AS text)')
        return super().as_sql(compiler, connection, **extra)


def yes_no(name: str) -> Case:
    return Case(When(**{name: True}, then=Value('yes')), default=Value('no'), output_field=CharField())


DATES = ('planned_start', 'planned_end', 'actual_start', 'actual_end')
TEXT_COLUMNS = {
    'value_text': MoneyText('value_usd'),
    'counted_text': yes_no('in_aggregates'),
    'umbrella_text': yes_no('is_umbrella'),
    'data_status_text': Case(
        When(is_illustrative=True, then=Value('illustrative')), default=Value('recorded'), output_field=CharField()
    ),
    **{f'{name}_text': Cast(name, CharField()) for name in DATES},  # ISO 8601 on both databases
}
FIELDS = (
    'id', 'identifier', 'data_status_text', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'stage',
    'counted_text', 'value_text', 'value_basis', 'value_year', 'unconverted_count', 'region', 'parent__identifier',
    'umbrella_text', 'visibility', *(f'{name}_text' for name in DATES),
)  # fmt: skip


def project_row_chunks(projects) -> Iterator[list[list]]:
    """The export's rows, a chunk at a time: plain tuples from the database (no model instance
    per row), one query for the chunk's sectors, so that memory stays flat whatever the size."""
    labels = tuple({key: str(label) for key, label in LABELS[name].items()} for name in ('status', 'stage', 'region'))
    chunk: list[tuple] = []
    for row in projects.annotate(**TEXT_COLUMNS).values_list(*FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield _chunk_rows(chunk, *labels)
            chunk = []
    if chunk:
        yield _chunk_rows(chunk, *labels)


def _chunk_rows(chunk: list[tuple], status_names: dict, stage_names: dict, region_names: dict) -> list[list]:
    sectors: dict[int, list[str]] = {}
    shares = ProjectSector.objects.filter(project_id__in=[row[0] for row in chunk]).order_by('project_id', 'id')
    for project_id, code, percentage in shares.values_list('project_id', 'sector__code', PercentText('percentage')):
        sectors.setdefault(project_id, []).append(f'{code} {percentage}%')
    rows = []
    for (
        pk, identifier, data_status, title_en, title_ru, title_zh, title_uz, status, stage, counted,
        value_text, value_basis, value_year, unconverted_count, region, parent, umbrella, visibility, *dates,
    ) in chunk:  # fmt: skip
        rows.append([
            identifier, data_status, title_en, title_ru, title_zh, title_uz,
            status, status_names[status], stage, stage_names[stage], counted,
            value_text or '', value_basis, value_year or '', unconverted_count,
            '; '.join(sectors.get(pk, ())), region, region_names.get(region, ''), parent or '',
            umbrella, visibility, *(day or '' for day in dates),
        ])  # fmt: skip
    return rows


class ChunkBuffer(io.StringIO):
    def take(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


def stream_csv(projects):
    """One piece of the response per chunk of rows (a piece per row costs more in the server
    than formatting the row)."""
    buffer = ChunkBuffer()
    writer = csv.writer(buffer)
    buffer.write('\ufeff')
    writer.writerow(COLUMNS)
    yield buffer.take()
    for rows in project_row_chunks(projects):
        writer.writerows(rows)
        yield buffer.take()


def write_xlsx(projects, path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('projects')
    sheet.append(COLUMNS)
    for rows in project_row_chunks(projects):
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def project_export(request, format):
    projects = export_queryset(request.user, request.GET)
    stamp = timezone.localtime().strftime('%Y%m%d-%H%M')
    if format == 'csv':
        response = StreamingHttpResponse(stream_csv(projects), content_type='text/csv; charset=utf-8')
        response['Content-Disposition'] = f'attachment; filename="hamkor-projects-{stamp}.csv"'
        return response
    if format == 'xlsx':
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
        write_xlsx(projects, handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f'hamkor-projects-{stamp}.xlsx')
    raise Http404
