from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import CodelistItem, Country, Currency
from hamkor.numbers import plain
from organizations.choices import OrganizationKind
from organizations.models import Organization
from portfolio.choices import ParticipantRole, ProjectStatus, TransactionType
from portfolio.models import (
    ACTIVITY_DOCUMENT_CATEGORY,
    DOCUMENT_CATEGORY_CODELIST,
    Budget,
    CooperationSector,
    DocumentLink,
    PlannedDisbursement,
    Project,
    Transaction,
)
from portfolio.services import (
    BUDGET_FIELDS,
    DOCUMENT_FIELDS,
    PLANNED_DISBURSEMENT_FIELDS,
    PROJECT_FIELDS,
    TRANSACTION_FIELDS,
    Relation,
)
from sources.models import Source

DATE_INPUT = forms.DateInput(attrs={'type': 'date'})


class SectorChoiceField(forms.ModelChoiceField):
    """A cooperation sector by its name in the reader's language (its code is the value sent)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=CooperationSector.objects.all(), to_field_name='code', required=False, **kwargs)

    def label_from_instance(self, sector):
        return sector.name


class ProjectForm(forms.ModelForm):
    """A project with its sector split as rows of a sector (chosen from the list) and its share
    in percent; rows left empty are ignored, and there are always a few empty ones to add to."""

    SPARE_ROWS = 3

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            name: forms.DateInput(attrs={'type': 'date'})
            for name in ('planned_start', 'planned_end', 'actual_start', 'actual_end')
        } | {name: forms.Textarea(attrs={'rows': 3}) for name in PROJECT_FIELDS if name.startswith('description')}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        shares = list(self.instance.sectors.select_related('sector')) if self.instance.pk else []
        posted = [int(key.removeprefix('sector_')) for key in self.data if key.removeprefix('sector_').isdigit()]
        # Each sector at most once: rows posted beyond the number of sectors are not read (nor built).
        most = CooperationSector.objects.count() + self.SPARE_ROWS
        self.sector_rows = min(max(len(shares) + self.SPARE_ROWS, max(posted, default=0)), most)
        for number in range(1, self.sector_rows + 1):
            self.fields[f'sector_{number}'] = SectorChoiceField(label=_('Sector %(number)s') % {'number': number})
            self.fields[f'share_{number}'] = forms.DecimalField(
                label=_('Share of sector %(number)s (%%)') % {'number': number},
                required=False, min_value=Decimal('0.01'), max_value=Decimal('100'), max_digits=5, decimal_places=2,
            )  # fmt: skip
        for number, share in enumerate(shares, start=1):
            self.initial[f'sector_{number}'] = share.sector.code
            self.initial[f'share_{number}'] = plain(share.percentage)
        if self.instance.parent_id and self.instance.parent_for(user) is None:
            # A parent the user may not see is neither shown nor changed (nor removed by saving).
            del self.fields['parent']
        else:
            self.fields['parent'].queryset = Project.objects.visible_to(user).exclude(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        shares, seen = [], set()
        for number in range(1, self.sector_rows + 1):
            sector, share = cleaned.get(f'sector_{number}'), cleaned.get(f'share_{number}')
            if f'sector_{number}' in self.errors or f'share_{number}' in self.errors:
                continue
            if sector is None and share is None:
                continue
            if sector is None:
                self.add_error(f'sector_{number}', _('Choose the sector this share is of.'))
            elif share is None:
                self.add_error(
                    f'share_{number}', _('Give the share of %(sector)s in percent.') % {'sector': sector.name}
                )
            elif sector.code in seen:
                self.add_error(f'sector_{number}', _('%(sector)s is already chosen above.') % {'sector': sector.name})
            else:
                seen.add(sector.code)
                shares.append((sector, share))
        cleaned['sectors'] = shares
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_('New status'), choices=ProjectStatus.choices)
    reason = forms.CharField(label=_('Reason'), required=False, widget=forms.Textarea(attrs={'rows': 2}))


class TransactionForm(forms.ModelForm):
    supersedes = forms.ModelChoiceField(
        label=_('Revises'),
        queryset=Transaction.objects.none(),
        required=False,
        help_text=_('The earlier amount this one replaces; it stops counting.'),
    )

    class Meta:
        model = Transaction
        fields = TRANSACTION_FIELDS
        widgets = {'value_date': forms.DateInput(attrs={'type': 'date'})}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['supersedes'].queryset = project.transactions.filter(superseded_by__isnull=True)
        self.fields['passes_on'].queryset = project.transactions.filter(
            type=TransactionType.INCOMING_COMMITMENT, superseded_by__isnull=True
        )
        self.fields['provider'].queryset = Organization.objects.order_by('name_en')


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_('Role'), choices=ParticipantRole.choices)
    organization = forms.ModelChoiceField(
        label=_('Organization'), queryset=Organization.objects.order_by('name_en'), required=False
    )
    kind = forms.ChoiceField(
        label=_('Or, organizations the source does not name: their type'),
        choices=[('', '—'), *OrganizationKind.choices],
        required=False,
    )
    country = forms.ModelChoiceField(
        label=_('and their country'), queryset=Country.objects.order_by('name_en'), required=False
    )


class CountryForm(forms.Form):
    country = forms.ModelChoiceField(label=_('Country'), queryset=Country.objects.order_by('name_en'))
    percentage = forms.DecimalField(
        label=_('Share (%)'), required=False, max_digits=5, decimal_places=2,
        help_text=_('Leave empty where the source states no share.'),
    )  # fmt: skip


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_('Milestone'), max_length=300)
    planned_date = forms.DateField(
        label=_('Planned date'), required=False, widget=forms.DateInput(attrs={'type': 'date'})
    )
    actual_date = forms.DateField(
        label=_('Actual date'), required=False, widget=forms.DateInput(attrs={'type': 'date'})
    )


class CurrencyChoiceField(forms.ModelChoiceField):
    """A currency by its ISO 4217 code, with an error that names the code it did not know."""

    default_error_messages = {
        'invalid_choice': _('Unknown currency %(value)s: not an ISO 4217 code in the reference data.')
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Currency.objects.filter(is_withdrawn=False), to_field_name='code', **kwargs)

    def label_from_instance(self, currency):
        return f'{currency.code} — {currency.name_en}'


class PlannedAmountForm(forms.ModelForm):
    currency = CurrencyChoiceField(label=capfirst(_('currency')))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ('provider', 'receiver'):
            if name in self.fields:
                self.fields[name].queryset = Organization.objects.order_by('name_en')

    def _post_clean(self):
        """Validation is the service's (it also converts the amount); the form only parses fields."""


class BudgetForm(PlannedAmountForm):
    class Meta:
        model = Budget
        fields = BUDGET_FIELDS
        widgets = dict.fromkeys(('period_start', 'period_end', 'value_date'), DATE_INPUT)
        help_texts = {'period_end': _('At most a year after the start: report a multi-year budget year by year.')}


class PlannedDisbursementForm(PlannedAmountForm):
    class Meta:
        model = PlannedDisbursement
        fields = PLANNED_DISBURSEMENT_FIELDS
        widgets = dict.fromkeys(('period_start', 'period_end', 'value_date'), DATE_INPUT)


def document_category_choices():
    items = CodelistItem.objects.filter(
        codelist__name=DOCUMENT_CATEGORY_CODELIST, category=ACTIVITY_DOCUMENT_CATEGORY, is_withdrawn=False
    ).order_by('code')
    return [('', '---------'), *((item.code, f'{item.code} {item.name_en}') for item in items)]


class DocumentForm(forms.ModelForm):
    url = forms.CharField(label=_('Address (URL)'), max_length=1000, widget=forms.URLInput)
    category = forms.ChoiceField(label=_('Category'), choices=document_category_choices)
    source = forms.ModelChoiceField(
        label=_('Source record'),
        queryset=Source.objects.order_by('title'),
        required=False,
        help_text=_('When the document is one of the recorded sources.'),
    )

    class Meta:
        model = DocumentLink
        fields = DOCUMENT_FIELDS
        widgets = {'document_date': DATE_INPUT}

    def _post_clean(self):
        """Validation is the service's; the form only parses fields."""


class RelationForm(forms.Form):
    relation = forms.ChoiceField(
        label=_('Relation'),
        choices=[
            (Relation.LINKED, _('Linked to this project')),
            (Relation.PARENT, _('The project this one is part of (parent)')),
            (Relation.CHILD, _('A part of this project (child)')),
        ],
    )
    identifier = forms.CharField(label=_('Identifier of the other project'), max_length=100)

    def __init__(self, *args, projects, **kwargs):
        """`projects`: the projects the user may see; any other identifier is unknown to them."""
        super().__init__(*args, **kwargs)
        self.projects = projects

    def clean_identifier(self):
        identifier = self.cleaned_data['identifier'].strip()
        other = self.projects.filter(identifier=identifier).first()
        if other is None:
            raise ValidationError(_('No project with the identifier %(identifier)s.') % {'identifier': identifier})
        return other
