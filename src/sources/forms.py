from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sources.models import Citation, Claim, Confidence, Source
from sources.services import CLAIM_FIELDS, SOURCE_FIELDS, check_claim_value


class SourceForm(forms.ModelForm):
    url = forms.URLField(
        label=capfirst(Source._meta.get_field('url').verbose_name), required=False, assume_scheme='https',
        max_length=Source._meta.get_field('url').max_length,
    )  # fmt: skip

    class Meta:
        model = Source
        fields = SOURCE_FIELDS
        widgets = {
            'published_on': forms.DateInput(attrs={'type': 'date'}),
            'accessed_on': forms.DateInput(attrs={'type': 'date'}),
            'text': forms.Textarea(attrs={'rows': 8}),
        }


class ClaimForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = CLAIM_FIELDS
        widgets = {'quote': forms.Textarea(attrs={'rows': 3})}

    def clean_value_usd(self):
        value = self.cleaned_data['value_usd']
        try:
            check_claim_value(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict['value_usd']) from None
        return value


class CitationForm(forms.Form):
    source = forms.ModelChoiceField(label=_('Source'), queryset=Source.objects.order_by('title'))
    locator = forms.CharField(
        label=_('Locator'),
        max_length=Citation._meta.get_field('locator').max_length,
        help_text=_('Paragraph, page or quotation that supports the record.'),
    )
    confidence = forms.ChoiceField(label=_('Confidence'), choices=Confidence.choices, initial=Confidence.MEDIUM)
