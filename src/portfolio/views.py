from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.models import ObjectChange
from hamkor.auth import permission_required
from portfolio import services
from portfolio.api import OrganizationFilter
from portfolio.forms import OrganizationForm
from portfolio.models import Organization


def organization_list(request):
    filtered = OrganizationFilter(request.GET, queryset=Organization.objects.select_related('country'))
    page = Paginator(filtered.qs, 50).get_page(request.GET.get('page'))
    return render(request, 'portfolio/organization_list.html', {'filter': filtered, 'page': page})


def organization_detail(request, pk):
    organization = get_object_or_404(Organization.objects.select_related('country'), pk=pk)
    history = None
    if request.user.has_perm('core.view_objectchange'):
        history = ObjectChange.objects.for_record(organization)
    return render(request, 'portfolio/organization_detail.html', {'organization': organization, 'history': history})


@permission_required('portfolio.add_organization')
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        organization = services.create_organization(**form.cleaned_data)
        messages.success(request, _('Organization created.'))
        return redirect(organization)
    return render(request, 'portfolio/organization_form.html', {'form': form})


@permission_required('portfolio.change_organization')
def organization_edit(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == 'POST' and form.is_valid():
        services.update_organization(organization=organization, **form.cleaned_data)
        messages.success(request, _('Organization saved.'))
        return redirect(organization)
    return render(request, 'portfolio/organization_form.html', {'form': form, 'organization': organization})


@permission_required('portfolio.delete_organization')
def organization_delete(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    if request.method == 'POST':
        try:
            services.delete_organization(organization=organization)
        except ProtectedError:
            messages.error(
                request,
                _('This organization is still referenced (for example by users) and cannot be deleted.'),
            )
            return redirect(organization)
        messages.success(request, _('Organization deleted.'))
        return redirect('portfolio:organization_list')
    return render(request, 'portfolio/organization_confirm_delete.html', {'organization': organization})
