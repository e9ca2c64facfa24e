"""Exports of any filtered set of projects, with codes and names side by side.

CSV streams row by row from a database iterator (flat memory, no row limit); XLSX is written
in openpyxl's write-only mode. Both mark illustrative records in a column of their own.
"""

import csv
import tempfile

from django.db.models import Prefetch
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from hamkor.numbers import plain
from portfolio.choices import ProjectStatus, Region, Stage, ValueBasis, Visibility
from portfolio.filters import ProjectFilter
from portfolio.models import Project, ProjectSector

COLUMNS = [
    'identifier', 'data_status', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'status_name', 'stage',
    'stage_name', 'counted_in_aggregates', 'value_usd', 'value_basis', 'value_year', 'amounts_not_converted',
    'sectors', 'region', 'region_name', 'parent', 'is_umbrella', 'visibility', 'planned_start', 'planned_end',
    'actual_start', 'actual_end',
]  # fmt: skip
CHUNK = 2000
STATUS, STAGE, REGION, BASIS, VISIBILITY = (
    dict(choices.choices) for choices in (ProjectStatus, Stage, Region, ValueBasis, Visibility)
)


def export_queryset(user, params):
    projects = (
        Project.objects.visible_to(user)
        .select_related('parent')
        .prefetch_related(Prefetch('sectors', ProjectSector.objects.select_related('sector').order_by('id')))
        .order_by('identifier')
    )
    return ProjectFilter(params, queryset=projects).qs


def project_row(project: Project) -> list:
    return [
        project.identifier,
        'illustrative' if project.is_illustrative else 'recorded',
        project.title_en,
        project.title_ru,
        project.title_zh,
        project.title_uz,
        project.status,
        str(STATUS[project.status]),
        project.stage,
        str(STAGE[project.stage]),
        'yes' if project.in_aggregates else 'no',
        '' if project.value_usd is None else str(project.value_usd),
        project.value_basis,
        project.value_year or '',
        project.unconverted_count,
        '; '.join(f'{share.sector.code} {plain(share.percentage)}%' for share in project.sectors.all()),
        project.region,
        str(REGION.get(project.region, '')),
        project.parent.identifier if project.parent else '',
        'yes' if project.is_umbrella else 'no',
        project.visibility,
        *(
            value.isoformat() if value else ''
            for value in (project.planned_start, project.planned_end, project.actual_start, project.actual_end)
        ),
    ]


class Echo:
    def write(self, value):
        return value


def stream_csv(projects):
    writer = csv.writer(Echo())
    yield '\ufeff' + writer.writerow(COLUMNS)
    for project in projects.iterator(chunk_size=CHUNK):
        yield writer.writerow(project_row(project))


def write_xlsx(projects, path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('projects')
    sheet.append(COLUMNS)
    for project in projects.iterator(chunk_size=CHUNK):
        sheet.append(project_row(project))
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
