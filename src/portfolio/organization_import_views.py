"""The web page of the organization import: upload, preview the plan, apply it.

Uploads are kept between preview and apply exactly as for the project import
(portfolio.import_views): under a random token, re-planned on apply.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from hamkor.auth import permission_required
from portfolio.import_views import ImportForm, ImportPage, import_page
from portfolio.organization_import import INPUT_COLUMNS, apply_organization_import, plan_organization_import


class OrganizationImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['file'].help_text = gettext_lazy(
            'CSV (UTF-8, comma-separated) or XLSX with the columns %(columns)s; aliases separated by "|".'
        ) % {'columns': ', '.join(INPUT_COLUMNS)}


ORGANIZATIONS = ImportPage(
    template='portfolio/organization_import.html',
    form_class=OrganizationImportForm,
    plan=plan_organization_import,
    apply=apply_organization_import,
    change_permission='portfolio.change_organization',
    changes_refused=gettext_lazy(
        'This file changes existing organizations, which your role may not do. Nothing was written.'
    ),
    done_url='portfolio:organization_list',
)


@permission_required('portfolio.add_organization')
def organization_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, ORGANIZATIONS)
