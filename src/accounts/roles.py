"""The roles of Hamkor and the Django permissions each one grants.

Roles are Django groups with fixed names; the mapping below is the single place that says
what a role may do. It is applied after every migration, so a new permission reaches its roles
on the next deploy and a fresh database always has every group.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction
from django.utils.translation import gettext_lazy as _

SECRETARIAT = 'secretariat'
UZ_ANALYST = 'uz-analyst'
CN_ANALYST = 'cn-analyst'
CERT_EVALUATOR = 'cert-evaluator'
CERT_REVIEWER = 'cert-reviewer'
CERT_DECISION = 'cert-decision'
APPLICANT = 'applicant'

ROLE_LABELS = {
    SECRETARIAT: _('Committee secretariat'),
    UZ_ANALYST: _('Analyst (Uzbekistan)'),
    CN_ANALYST: _('Analyst (China)'),
    CERT_EVALUATOR: _('Certification evaluator'),
    CERT_REVIEWER: _('Certification reviewer'),
    CERT_DECISION: _('Certification decision maker'),
    APPLICANT: _('Applicant company'),
}

ROLE_PERMISSIONS: dict[str, list[str]] = {
    SECRETARIAT: [
        'core.view_objectchange',
        'organizations.view_organization',
        'organizations.add_organization',
        'organizations.change_organization',
        'organizations.delete_organization',
        'portfolio.view_project',
        'portfolio.add_project',
        'portfolio.change_project',
        'portfolio.delete_project',
        'portfolio.view_partner_project',
        'portfolio.view_restricted_project',
        'sources.view_source',
        'sources.add_source',
        'sources.change_source',
        'sources.add_claim',
        'sources.change_claim',
        'sources.add_citation',
        'sources.delete_citation',
        'trade.add_target',
        'trade.change_target',
        'accounts.view_user',
        'trade.add_importrun',
        # a second person's approval of an import that replaces official statistics
        'trade.approve_replacement',
        'trade.view_columnmapping',
        'trade.add_columnmapping',
        'trade.change_columnmapping',
    ],
    UZ_ANALYST: [
        'organizations.view_organization',
        'portfolio.view_project',
        'portfolio.view_partner_project',
        'trade.add_importrun',
        'trade.view_columnmapping',
        'trade.add_columnmapping',
        'trade.change_columnmapping',
    ],
    CN_ANALYST: ['organizations.view_organization', 'portfolio.view_project', 'portfolio.view_partner_project'],
    CERT_EVALUATOR: ['organizations.view_organization'],
    CERT_REVIEWER: ['organizations.view_organization'],
    CERT_DECISION: ['organizations.view_organization'],
    APPLICANT: [],
}

ROLES = tuple(ROLE_PERMISSIONS)


def sync_roles(apps=global_apps, using: str = 'default') -> None:
    """Create the role groups and set exactly the permissions listed for each."""
    Group = apps.get_model('auth', 'Group')
    Permission = apps.get_model('auth', 'Permission')
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {
        f'{app_label}.{codename}': pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            'pk', 'content_type__app_label', 'codename'
        )
    }
    missing = sorted(wanted - set(by_name))
    if missing:
        raise LookupError(f'role permissions not found: {", ".join(missing)}')
    with transaction.atomic(using=using):
        for role, perms in ROLE_PERMISSIONS.items():
            group, _created = Group.objects.using(using).get_or_create(name=role)
            group.permissions.set([by_name[perm] for perm in perms])


def sync_roles_after_migrate(sender, using='default', **kwargs):
    # Permissions of apps later in INSTALLED_APPS are created by their own post_migrate
    # handlers, which may not have run yet: create them all first (idempotent).
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles(using=using)
