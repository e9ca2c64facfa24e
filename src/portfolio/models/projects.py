"""Projects, their sector shares, participants, milestones and status history; the cooperation sectors."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Country
from hamkor.fields import AmountField
from hamkor.models import STRICTEST_VISIBILITY, ChangeLoggedMixin, ChangeLoggedModel, localized
from organizations.choices import OrganizationKind
from organizations.models import Organization
from portfolio.choices import (
    Counting,
    ParticipantRole,
    ProjectStatus,
    Region,
    Stage,
    ValueBasis,
    Visibility,
)
from portfolio.querysets import ProjectQuerySet, visible_levels


class CooperationSector(models.Model):
    """A sector of the cooperation's own list (green energy, geology, …), kept as data."""

    code = models.SlugField(_('code'), max_length=40, unique=True)
    name_en = models.CharField(_('name (English)'), max_length=120)
    name_ru = models.CharField(_('name (Russian)'), max_length=120, blank=True)
    name_zh = models.CharField(_('name (Chinese)'), max_length=120, blank=True)
    name_uz = models.CharField(_('name (Uzbek)'), max_length=120, blank=True)
    dac_code = models.CharField(_('DAC 5-digit sector'), max_length=5, blank=True)

    class Meta:
        ordering = ['name_en']
        verbose_name = _('cooperation sector')
        verbose_name_plural = _('cooperation sectors')

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, 'name')


class Project(ChangeLoggedModel):
    """A joint project (IATI "activity" semantics).

    The aggregate fields at the end are derived from the project's status, relations and
    transactions by `portfolio.aggregation.refresh_projects`, so that portfolio totals are one
    indexed GROUP BY rather than a scan of every transaction.
    """

    identifier = models.CharField(_('identifier'), max_length=100, unique=True)
    title_en = models.CharField(_('title (English)'), max_length=300)
    title_ru = models.CharField(_('title (Russian)'), max_length=300, blank=True)
    title_zh = models.CharField(_('title (Chinese)'), max_length=300, blank=True)
    title_uz = models.CharField(_('title (Uzbek)'), max_length=300, blank=True)
    description_en = models.TextField(_('description (English)'), blank=True)
    description_ru = models.TextField(_('description (Russian)'), blank=True)
    description_zh = models.TextField(_('description (Chinese)'), blank=True)
    description_uz = models.TextField(_('description (Uzbek)'), blank=True)
    status = models.CharField(_('status'), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSAL)
    visibility = models.CharField(_('visibility'), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    region = models.CharField(_('region'), max_length=6, choices=Region.choices, blank=True)
    latitude = models.DecimalField(
        _('latitude'), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _('longitude'), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    planned_start = models.DateField(_('planned start'), null=True, blank=True)
    planned_end = models.DateField(_('planned end'), null=True, blank=True)
    actual_start = models.DateField(_('actual start'), null=True, blank=True)
    actual_end = models.DateField(_('actual end'), null=True, blank=True)
    parent = models.ForeignKey(
        'self', on_delete=models.PROTECT, null=True, blank=True, related_name='children', verbose_name=_('parent')
    )
    is_umbrella = models.BooleanField(
        _('umbrella agreement'),
        default=False,
        help_text=_('A framework agreement whose parts are recorded as children.'),
    )
    is_illustrative = models.BooleanField(
        _('illustrative'), default=False, help_text=_('Added for demonstration; not from a cited source.')
    )
    linked = models.ManyToManyField('self', blank=True, verbose_name=_('linked projects'))

    # Derived for aggregation (see docs/portfolio-aggregation.md).
    stage = models.CharField(_('stage'), max_length=16, choices=Stage.choices, editable=False)
    counting = models.CharField(
        _('counted as'), max_length=10, choices=Counting.choices, default=Counting.PIPELINE, editable=False
    )
    value_usd = AmountField(_('value (USD)'), null=True, editable=False)
    value_basis = models.CharField(
        _('value from'), max_length=12, choices=ValueBasis.choices, default=ValueBasis.NONE, editable=False
    )
    value_year = models.PositiveSmallIntegerField(_('value year'), null=True, editable=False)
    unconverted_count = models.PositiveIntegerField(_('amounts not converted'), default=0, editable=False)

    objects = ProjectQuerySet.as_manager()

    change_log_exclude = (
        'last_updated',
        'stage',
        'counting',
        'value_usd',
        'value_basis',
        'value_year',
        'unconverted_count',
    )

    class Meta:
        ordering = ['identifier']
        verbose_name = _('project')
        verbose_name_plural = _('projects')
        permissions = [
            ('view_partner_project', _('Can see projects visible to partners and to their own side')),
            ('view_restricted_project', _('Can see restricted projects')),
        ]
        indexes = [
            models.Index(fields=['counting', 'stage'], name='portfolio_project_counting_idx'),
            models.Index(fields=['visibility', 'status'], name='portfolio_project_vis_idx'),
            # The list pages: visible projects in identifier order, or by value, a page at a time.
            models.Index(fields=['visibility', 'identifier'], name='portfolio_project_vis_id_idx'),
            models.Index(fields=['visibility', '-value_usd', 'identifier'], name='portfolio_project_vis_val_idx'),
            models.Index(fields=['-value_usd', 'identifier'], name='portfolio_project_value_idx'),
            # Covers every column the totals read, so recomputing them after a write reads the index only.
            models.Index(
                fields=[
                    'visibility',
                    'counting',
                    'stage',
                    'is_umbrella',
                    'is_illustrative',
                    'value_basis',
                    'unconverted_count',
                    'value_usd',
                ],
                name='portfolio_project_totals_idx',
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F('planned_start')),
                name='portfolio_project_planned_order',
                violation_error_message=_('The planned end is before the planned start.'),
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_end__gte=models.F('actual_start')),
                name='portfolio_project_actual_order',
                violation_error_message=_('The actual end is before the actual start.'),
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F('id')), name='portfolio_project_not_own_parent'),
        ]

    def __str__(self):
        return f'{self.identifier} {self.title}'

    @property
    def in_aggregates(self) -> bool:
        """Counted in the registered total (the headline)."""
        return self.counting == Counting.HEADLINE

    def change_log_visibility(self) -> str:
        return self.visibility

    def parent_for(self, user) -> 'Project | None':
        """The parent as `user` may see it: None where it is hidden (the rule of
        ProjectQuerySet.with_visible_parent, for one loaded project)."""
        if self.parent_id is None or self.parent.visibility not in visible_levels(user):
            return None
        return self.parent

    def get_absolute_url(self):
        return reverse('portfolio:project_detail', args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, 'title')

    @property
    def description(self) -> str:
        return localized(self, 'description')


class ProjectSector(models.Model):
    """A share of the project in a sector; a project's shares add up to 100 %."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='sectors')
    sector = models.ForeignKey(CooperationSector, on_delete=models.PROTECT, related_name='projects')
    percentage = models.DecimalField(_('percentage'), max_digits=5, decimal_places=2)
    value_usd = AmountField(
        _('value (USD)'),
        null=True,
        editable=False,
        help_text=_("The project's value allocated to this sector, in cents that add up to the project's value."),
    )

    class Meta:
        ordering = ['-percentage', 'sector']
        verbose_name = _('project sector')
        verbose_name_plural = _('project sectors')
        constraints = [
            models.UniqueConstraint(fields=['project', 'sector'], name='portfolio_projectsector_unique'),
            models.CheckConstraint(
                condition=models.Q(percentage__gt=0, percentage__lte=100), name='portfolio_projectsector_percentage'
            ),
        ]

    def __str__(self):
        return f'{self.sector} {self.percentage}%'


class PartOfProject:
    """A record that is part of a project: its history is the project's to see."""

    change_log_owner = 'project'

    def change_log_visibility(self) -> str:
        if type(self).project.is_cached(self):
            return self.project.visibility
        visibility = Project.objects.filter(pk=self.project_id).values_list('visibility', flat=True).first()
        return visibility or STRICTEST_VISIBILITY


class Participant(PartOfProject, ChangeLoggedMixin, models.Model):
    """An organization taking part in a project in an IATI role; its side is its country's.

    A source may name who takes part only by kind and country ("Uzbek contracting
    organizations"): such a participant is recorded as that kind and country, with no
    organization, rather than under an invented name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='participants')
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name='participations', null=True, blank=True
    )
    role = models.CharField(_('role'), max_length=1, choices=ParticipantRole.choices)
    kind = models.CharField(
        _('type of the organizations not named'), max_length=20, choices=OrganizationKind.choices, blank=True
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name='+', null=True, blank=True,
        verbose_name=_('country of the organizations not named'),
    )  # fmt: skip

    class Meta:
        ordering = ['role', 'organization', 'kind']
        verbose_name = _('participant')
        verbose_name_plural = _('participants')
        constraints = [
            models.UniqueConstraint(
                fields=['project', 'organization', 'role'],
                name='portfolio_participant_unique',
                violation_error_message=_('This organization already has this role in the project.'),
            ),
            models.UniqueConstraint(
                fields=['project', 'role', 'kind', 'country'],
                condition=models.Q(organization__isnull=True),
                name='portfolio_participant_unnamed_unique',
                violation_error_message=_('Organizations of this type and country already have this role.'),
            ),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, kind='', country__isnull=True)
                | (models.Q(organization__isnull=True, country__isnull=False) & ~models.Q(kind='')),
                name='portfolio_participant_named_or_described',
                violation_error_message=_(
                    'Choose an organization, or, for organizations the source does not name, their type and '
                    'country (not both).'
                ),
            ),
        ]

    def __str__(self):
        return f'{self.who} ({self.get_role_display()})'

    @property
    def who(self) -> str:
        if self.organization_id:
            return str(self.organization)
        return _('%(kind)s, %(country)s (not named)') % {'kind': self.get_kind_display(), 'country': self.country}

    @property
    def side_country(self):
        return self.organization.country if self.organization_id else self.country


class ProjectCountry(PartOfProject, ChangeLoggedMixin, models.Model):
    """A country the project is in or benefits (IATI recipient-country), with its share where the
    source states one: a railway through three countries is recorded in the three."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='countries')
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name='+', verbose_name=_('country'))
    percentage = models.DecimalField(
        _('share (%)'), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal('0.01')), MaxValueValidator(Decimal('100'))],
        help_text=_('Leave empty where the source states no share.'),
    )  # fmt: skip

    class Meta:
        ordering = ['project', 'id']
        verbose_name = _('country of the project')
        verbose_name_plural = _('countries of the project')
        constraints = [
            models.UniqueConstraint(
                fields=['project', 'country'],
                name='portfolio_projectcountry_unique',
                violation_error_message=_('This country is already recorded for the project.'),
            ),
            models.CheckConstraint(
                condition=models.Q(percentage__isnull=True) | models.Q(percentage__gt=0, percentage__lte=100),
                name='portfolio_projectcountry_share',
            ),
        ]

    def __str__(self):
        return str(self.country) if self.percentage is None else f'{self.country} ({self.percentage} %)'


class Milestone(PartOfProject, ChangeLoggedMixin, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='milestones')
    title = models.CharField(_('title'), max_length=300)
    planned_date = models.DateField(_('planned date'), null=True, blank=True)
    actual_date = models.DateField(_('actual date'), null=True, blank=True)

    class Meta:
        ordering = ['planned_date', 'id']
        verbose_name = _('milestone')
        verbose_name_plural = _('milestones')

    def __str__(self):
        return self.title


class StatusChange(models.Model):
    """An event row for each change of a project's status, with the reason when it left the path."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='status_changes')
    previous = models.CharField(_('from'), max_length=20, choices=ProjectStatus.choices)
    new = models.CharField(_('to'), max_length=20, choices=ProjectStatus.choices)
    reason = models.TextField(_('reason'), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    time = models.DateTimeField(_('time'), auto_now_add=True)

    class Meta:
        ordering = ['time', 'id']
        verbose_name = _('status change')
        verbose_name_plural = _('status changes')

    def __str__(self):
        return f'{self.previous} → {self.new}'
