from django import forms

from trade.models import Target
from trade.targets import TARGET_FIELDS


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {'note': forms.Textarea(attrs={'rows': 3})}
