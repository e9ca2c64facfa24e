"""The web page of the project import (the steps are hamkor.uploads')."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from hamkor.uploads import ImportForm, ImportPage, import_page
from portfolio.imports import apply_import, plan_import

TEMPLATE = 'portfolio/import.html'


class ProjectImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['file'].help_text = gettext_lazy(
            'CSV (UTF-8, comma-separated) or XLSX, with the columns of the project export.'
        )


PROJECTS = ImportPage(
    template=TEMPLATE,
    form_class=ProjectImportForm,
    plan=plan_import,
    apply=apply_import,
    change_permission='portfolio.change_project',
    changes_refused=gettext_lazy(
        'This file changes existing projects, which your role may not do. Nothing was written.'
    ),
    done_url='portfolio:project_list',
)


@permission_required('portfolio.add_project')
def project_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, PROJECTS)
