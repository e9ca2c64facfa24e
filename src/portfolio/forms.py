from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import CodelistItem, Currency
from hamkor.numbers import plain
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


class ProjectForm(forms.ModelForm):
    sectors = forms.CharField(
        label=_('Sectors'),
        required=False,
        widget=forms.Textarea(attrs={'rows': 3}),
        help_text=_(
            'One sector per line: its code and its share in percent, e.g. "green_energy 80". Shares add up to 100.'
        ),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            name: forms.DateInput(attrs={'type': 'date'})
            for name in ('planned_start', 'planned_end', 'actual_start', 'actual_end')
        } | {name: forms.Textarea(attrs={'rows': 3}) for name in PROJECT_FIELDS if name.startswith('description')}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial['sectors'] = '\n'.join(
                f'{share.sector.code} {plain(share.percentage)}' for share in self.instance.sectors.all()
            )
        if self.instance.parent_id and self.instance.parent_for(user) is None:
            # A parent the user may not see is neither shown nor changed (nor removed by saving).
            del self.fields['parent']
        else:
            self.fields['parent'].queryset = Project.objects.visible_to(user).exclude(pk=self.instance.pk)

    def clean_sectors(self):
        known = {sector.code: sector for sector in CooperationSector.objects.all()}
        shares = []
        for number, line in enumerate(self.cleaned_data['sectors'].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or parts[0] not in known:
                raise ValidationError(
                    _('Line %(number)s: expected "<sector code> <percent>" with one of %(codes)s.')
                    % {'number': number, 'codes': ', '.join(sorted(known))}
                )
            try:
                shares.append((known[parts[0]], Decimal(parts[1])))
            except InvalidOperation:
                raise ValidationError(
                    _('Line %(number)s: %(value)s is not a number.') % {'number': number, 'value': parts[1]}
                ) from None
        return shares


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
    organization = forms.ModelChoiceField(label=_('Organization'), queryset=Organization.objects.order_by('name_en'))
    role = forms.ChoiceField(label=_('Role'), choices=ParticipantRole.choices)


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
