"""Downloads of any filtered set of projects (portfolio.selectors.project_filter), with codes
and names side by side, for the page's link and the API alike.

Text the users wrote (identifiers, titles) is written inert (hamkor.cells): no cell runs as a
formula in a spreadsheet. CSV streams row by row from a database iterator (flat memory, no row limit); XLSX is written
in openpyxl's write-only mode. Both mark illustrative records in a column of their own.
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from itertools import islice

from django.db.models import Case, CharField, Func, Q, Value, When
from django.db.models.functions import Cast
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from hamkor.cells import inert
from hamkor.fields import AmountText
from hamkor.forms import filter_errors
from portfolio import selectors
from portfolio.choices import Counting, ProjectStatus, Region, Stage
from portfolio.models import ProjectSector

COLUMNS = [
    'identifier', 'data_status', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'status_name', 'stage',
    'stage_name', 'counted_in_aggregates', 'value_usd', 'value_basis', 'value_year', 'amounts_not_converted',
    'sectors', 'region', 'region_name', 'parent', 'is_umbrella', 'visibility', 'planned_start', 'planned_end',
    'actual_start', 'actual_end',
]  # fmt: skip
CHUNK = 2000
LABELS = {'status': dict(ProjectStatus.choices), 'stage': dict(Stage.choices), 'region': dict(Region.choices)}


class SectorsText(Func):
    """A project's sector split as one text, "code percentage%" in the order the shares were
    recorded, joined with "; " (percentages without trailing zeros: 60.00 -> "60").

    Computed by the database in the export's own query: a query per chunk of projects with
    their ids spelled out cost more than the rows themselves."""

    output_field = CharField()
    # '%%%%' is a literal '%' once the template and then the driver have read it.
    SQLITE = (
        "(SELECT group_concat(item, '; ') FROM (SELECT sector.code || ' ' || printf('%%%%g', share.percentage)"
        " || '%%%%' AS item FROM {shares} share JOIN {sectors} sector ON sector.id = share.sector_id"
        ' WHERE share.project_id = %(expressions)s ORDER BY share.id))'
    )
    POSTGRESQL = (
        "(SELECT string_agg(sector.code || ' ' || CAST(trim_scale(share.percentage) AS text) || '%%%%', '; '"
        ' ORDER BY share.id) FROM {shares} share JOIN {sectors} sector ON sector.id = share.sector_id'
        ' WHERE share.project_id = %(expressions)s)'
    )

    def _template(self, template: str) -> str:
        return template.format(
            shares=ProjectSector._meta.db_table, sectors=ProjectSector.sector.field.related_model._meta.db_table
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self._template(self.SQLITE), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=self._template(self.POSTGRESQL), **extra)


def yes_no(condition: Q) -> Case:
    return Case(When(condition, then=Value('yes')), default=Value('no'), output_field=CharField())


DATES = ('planned_start', 'planned_end', 'actual_start', 'actual_end')
TEXT_COLUMNS = {
    'value_text': AmountText('value_usd'),
    'sectors_text': SectorsText('id'),
    'counted_text': yes_no(Q(counting=Counting.HEADLINE)),
    'umbrella_text': yes_no(Q(is_umbrella=True)),
    'data_status_text': Case(
        When(is_illustrative=True, then=Value('illustrative')), default=Value('recorded'), output_field=CharField()
    ),
    **{f'{name}_text': Cast(name, CharField()) for name in DATES},  # ISO 8601 on both databases
}
FIELDS = (
    'identifier', 'data_status_text', 'title_en', 'title_ru', 'title_zh', 'title_uz', 'status', 'stage',
    'counted_text', 'value_text', 'value_basis', 'value_year', 'unconverted_count', 'region', 'visible_parent',
    'umbrella_text', 'visibility', 'sectors_text', *(f'{name}_text' for name in DATES),
)  # fmt: skip


def project_row_chunks(projects) -> Iterator[list[list]]:
    """The export's rows, a chunk at a time, from one query whose columns the database has
    already turned into the file's text (no model instance and no query per row or chunk), so
    that memory stays flat whatever the size."""
    status_names, stage_names, region_names = (
        {key: str(label) for key, label in LABELS[name].items()} for name in ('status', 'stage', 'region')
    )
    rows = projects.annotate(**TEXT_COLUMNS).values_list(*FIELDS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        yield [
            [
                inert(identifier), data_status, inert(title_en), inert(title_ru), inert(title_zh), inert(title_uz),
                status, status_names[status], stage, stage_names[stage], counted,
                value_text or '', value_basis, value_year or '', unconverted_count,
                sectors or '', region, region_names.get(region, ''), inert(parent or ''),
                umbrella, visibility, *(day or '' for day in dates),
            ]
            for (
                identifier, data_status, title_en, title_ru, title_zh, title_uz, status, stage, counted, value_text,
                value_basis, value_year, unconverted_count, region, parent, umbrella, visibility, sectors, *dates,
            ) in chunk
        ]  # fmt: skip


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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('projects')
    sheet.append(COLUMNS)
    for rows in project_row_chunks(projects):
        for row in rows:
            sheet.append(row)
    workbook.save(path)


FORMATS = ('csv', 'xlsx')


def project_download(user, params, format: str):
    """The file of the projects `user` may see that match `params`, as a response to send."""
    filtered = selectors.project_filter(user, params)
    errors = filter_errors(filtered)
    if errors:  # a file of other projects than those asked for would be worse than none
        return HttpResponseBadRequest('\n'.join(errors), content_type='text/plain; charset=utf-8')
    projects = filtered.qs
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
    raise ValueError(f'not a download format: {format!r}')
