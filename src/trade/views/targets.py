"""Editing of targets by the secretariat (permissions trade.add_target / trade.change_target)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamkor.auth import permission_required
from trade import services
from trade.forms import TargetForm
from trade.models import Target
from trade.validation import TARGET_FIELDS


@permission_required('trade.add_target')
def target_create(request):
    form = TargetForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            services.create_target(actor=request.user, **{name: form.cleaned_data[name] for name in TARGET_FIELDS})
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _('Target saved.'))
            return redirect('trade:dashboard')
    return render(request, 'trade/target_form.html', {'form': form})


@permission_required('trade.change_target')
def target_edit(request, pk: int):
    target = get_object_or_404(Target, pk=pk)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=pk))
    if request.method == 'POST' and form.is_valid():
        values = {name: form.cleaned_data[name] for name in TARGET_FIELDS}
        try:
            services.update_target(target=target, actor=request.user, **values)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _('Target saved.'))
            return redirect('trade:dashboard')
    return render(request, 'trade/target_form.html', {'form': form, 'target': target})


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in getattr(error, 'message_dict', {'__all__': error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)
