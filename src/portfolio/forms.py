from django import forms

from portfolio.models import Organization
from portfolio.services import ORGANIZATION_FIELDS


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
