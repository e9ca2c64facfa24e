"""Downloads of the monitor's tables; an invalid parameter is refused (400) like the API refuses it."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from trade import downloads, selectors
from trade.schema import PARTNER, REPORTER


def table_download(request, name: str, format: str):
    if name not in downloads.TABLES or format not in downloads.FORMATS:
        raise Http404
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = downloads.TABLES[name](request.GET, monitor=monitor)
    if not form.is_valid():
        return HttpResponseBadRequest('\n'.join(form.error_lines()), content_type='text/plain; charset=utf-8')
    table = downloads.table_frame(name, monitor, form.values())
    response = HttpResponse(downloads.render_table(table, format), content_type=downloads.FORMATS[format])
    stamp = timezone.localtime().strftime('%Y%m%d')
    response['Content-Disposition'] = f'attachment; filename="hamkor-trade-{name}-{stamp}.{format}"'
    return response
