"""The download link of the project list: the same projects as the page, as CSV or XLSX."""

from django.http import Http404

from portfolio import downloads


def project_export(request, format):
    if format not in downloads.FORMATS:
        raise Http404
    return downloads.project_download(request.user, request.GET, format)
