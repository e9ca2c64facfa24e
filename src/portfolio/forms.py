from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portfolio.models import Organization
from portfolio.services import ORGANIZATION_FIELDS


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=capfirst(_('website')), required=False, assume_scheme='https')

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
