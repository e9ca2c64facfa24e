from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hamkor.numbers import plain
from portfolio.choices import ParticipantRole, ProjectStatus
from portfolio.models import CooperationSector, Organization, Project, Transaction
from portfolio.services import ORGANIZATION_FIELDS, PROJECT_FIELDS, TRANSACTION_FIELDS


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=capfirst(_('website')), required=False, assume_scheme='https')
    aliases = forms.CharField(
        label=_('Aliases'),
        required=False,
        widget=forms.Textarea(attrs={'rows': 3}),
        help_text=_('Other names, abbreviations and transliterations, one per line.'),
    )

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS

    def clean_aliases(self):
        return [line.strip() for line in self.cleaned_data['aliases'].splitlines() if line.strip()]


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial['sectors'] = '\n'.join(
                f'{share.sector.code} {plain(share.percentage)}' for share in self.instance.sectors.all()
            )
        self.fields['parent'].queryset = Project.objects.exclude(pk=self.instance.pk)

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
