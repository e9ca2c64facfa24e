"""Exports of any filtered set of projects, with codes and names side by side.

CSV streams row by row from a database iterator (flat memory, no row limit); XLSX is written
in openpyxl's write-only mode. Both mark illustrative records in a column of their own.
"""

import csv
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from hamkor.numbers import plain
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
DATES = ('planned_start', 'planned_end', 'actual_start', 'actual_end')


def export_queryset(user, params):
    projects = Project.objects.visible_to(user).order_by('identifier')
    return ProjectFilter(params, queryset=projects).qs


FIELDS = (
    'id', 'identifier', 'is_illustrative', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'stage',
    'in_aggregates', 'value_usd', 'value_basis', 'value_year', 'unconverted_count', 'region', 'parent__identifier',
    'is_umbrella', 'visibility', 'planned_start', 'planned_end', 'actual_start', 'actual_end',
)  # fmt: skip


def project_rows(projects) -> Iterator[list]:
    """The export's rows, read as plain tuples a chunk at a time (one query for the chunk's
    sectors), so that memory stays flat and no model instance is built per row."""
    labels = {name: {key: str(label) for key, label in choices.items()} for name, choices in LABELS.items()}
    chunk: list[tuple] = []
    for row in projects.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, labels)
            chunk = []
    yield from _chunk_rows(chunk, labels)


def _chunk_rows(chunk: list[tuple], labels: dict) -> Iterator[list]:
    sectors: dict[int, list[str]] = {}
    shares = ProjectSector.objects.filter(project_id__in=[row[0] for row in chunk]).order_by('project_id', 'id')
    for project_id, code, percentage in shares.values_list('project_id', 'sector__code', 'percentage'):
        sectors.setdefault(project_id, []).append(f'{code} {plain(percentage)}%')
    for row in chunk:
        values = dict(zip(FIELDS, row, strict=True))
        yield [
            values['identifier'],
            'illustrative' if values['is_illustrative'] else 'recorded',
            values['title_en'],
            values['title_ru'],
            values['title_zh'],
            values['title_uz'],
            values['status'],
            labels['status'][values['status']],
            values['stage'],
            labels['stage'][values['stage']],
            'yes' if values['in_aggregates'] else 'no',
            '' if values['value_usd'] is None else str(values['value_usd']),
            values['value_basis'],
            values['value_year'] or '',
            values['unconverted_count'],
            '; '.join(sectors.get(values['id'], ())),
            values['region'],
            labels['region'].get(values['region'], ''),
            values['parent__identifier'] or '',
            'yes' if values['is_umbrella'] else 'no',
            values['visibility'],
            *(values[name].isoformat() if values[name] else '' for name in DATES),
        ]


class Echo:
    def write(self, value):
        return value


def stream_csv(projects):
    writer = csv.writer(Echo())
    yield '\ufeff' + writer.writerow(COLUMNS)
    for row in project_rows(projects):
        yield writer.writerow(row)


def write_xlsx(projects, path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('projects')
    sheet.append(COLUMNS)
    for row in project_rows(projects):
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
