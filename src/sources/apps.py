from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = 'sources'
    verbose_name = _('Sources and claims')

    def ready(self):
        # imported once the apps are loaded (these modules import models): not a cycle
        from hamkor.registry import register_navigation_namespace
        from organizations.models import Organization
        from organizations.selectors import register_detail_part
        from sources.models import Citation
        from sources.selectors import CitableType, register_citable

        register_navigation_namespace('reference', 'sources')
        # Organizations are cited here: their app is below this one and may not name it. The
        # registry of organizations is public.
        register_citable(
            CitableType(
                'organization', _('organization'), 'organizations.Organization', lambda user: Organization.objects.all()
            )
        )
        register_detail_part('citations', lambda user, organization: Citation.objects.for_record(organization))
