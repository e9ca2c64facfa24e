import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.choices import Side
from organizations.models import Organization
from portfolio.choices import Counting, ProjectStatus, Region, Stage, ValueBasis, Visibility
from portfolio.models import CooperationSector, Participant, Project, Transaction

# A participant's side is its organization's country (see Participant); other countries are neither side.
SIDE_COUNTRY = {Side.UZBEKISTAN: 'UZB', Side.CHINA: 'CHN'}

SORTS = {
    'identifier': ('identifier',),
    'title': ('title_en', 'identifier'),
    '-value': ('-value_usd', 'identifier'),
    'value': ('value_usd', 'identifier'),
    'status': ('status', 'identifier'),
}


class ProjectFilter(django_filters.FilterSet):
    """One filter set for the project list page, the API and the exports."""

    q = django_filters.CharFilter(method='search', label=_('Search'))
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, label=_('Status'))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_('Stage'), empty_label=_('All stages'))
    counting = django_filters.ChoiceFilter(choices=Counting.choices, label=_('Counted as'), empty_label=_('Any'))
    value_basis = django_filters.ChoiceFilter(choices=ValueBasis.choices, label=_('Value from'), empty_label=_('Any'))
    sector = django_filters.ModelChoiceFilter(
        queryset=CooperationSector.objects.all(),
        to_field_name='code',
        method='filter_sector',
        label=_('Sector'),
        empty_label=_('All sectors'),
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_('Region'), empty_label=_('All regions'))
    financier = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind='bank'),
        method='filter_financier',
        label=_('Financier'),
        empty_label=_('All financiers'),
    )
    side = django_filters.ChoiceFilter(
        choices=[
            (Side.UZBEKISTAN, _('Uzbek organization')),
            (Side.CHINA, _('Chinese organization')),
            (Side.JOINT, _('Both sides')),
        ],
        method='filter_side',
        label=_('Side'),
        empty_label=_('Either side or none'),
        help_text=_(
            'Projects in which an organization from Uzbekistan (UZ), from China (CN), or from both (JOINT) takes '
            "part, as a participant or as the financier of an amount; an organization's side is its country."
        ),
    )
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices, label=_('Visibility'), empty_label=_('Any'))
    year = django_filters.NumberFilter(field_name='value_year', label=_('Year'))
    min_value = django_filters.NumberFilter(field_name='value_usd', lookup_expr='gte', label=_('Value from (USD)'))
    max_value = django_filters.NumberFilter(field_name='value_usd', lookup_expr='lte', label=_('Value up to (USD)'))
    illustrative = django_filters.BooleanFilter(field_name='is_illustrative', label=_('Illustrative'))
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], method='sort_by', empty_label=None, label=_('Sort')
    )

    class Meta:
        model = Project
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sector(self, queryset, name, value: str):  # the hint documents the code in the API schema
        return queryset.filter(sectors__sector=value)

    def filter_financier(self, queryset, name, value: int):  # the hint documents the id in the API schema
        return queryset.filter(Exists(Transaction.objects.filter(project=OuterRef('pk'), provider=value)))

    def filter_side(self, queryset, name, value: str):
        """An organization takes part in a project as a participant or as the financier of one of its
        amounts (as on the organization's page)."""

        def has_participant_from(side):
            country = SIDE_COUNTRY[side]
            participant = Q(organization__country__iso3=country) | Q(organization=None, country__iso3=country)
            return Exists(Participant.objects.filter(participant, project=OuterRef('pk'))) | Exists(
                Transaction.objects.filter(project=OuterRef('pk'), provider__country__iso3=country)
            )

        if value == Side.JOINT:
            return queryset.filter(has_participant_from(Side.UZBEKISTAN), has_participant_from(Side.CHINA))
        return queryset.filter(has_participant_from(value))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
