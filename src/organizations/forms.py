from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.services import ORGANIZATION_FIELDS


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
