"""Pages of sources: the list, a source with its announced figures and what cites it, the forms,
and the citations of a project or organization. Sources and their figures are public; a
citation is shown only with a record the reader may see (sources.selectors)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import ObjectChange
from hamkor.auth import permission_required
from hamkor.forms import add_service_errors
from sources import selectors, services
from sources.forms import CitationForm, ClaimForm, SourceForm
from sources.models import Citation, Claim, Source


def source_list(request):
    return render(request, 'sources/source_list.html', {'sources': selectors.sources_with_counts(request.user)})


def source_detail(request, key):
    source = get_object_or_404(Source, key=key)
    citations = selectors.citations_with_records(selectors.visible_citations(request.user).filter(source=source))
    context = {
        'source': source,
        'claims': source.claims.all(),
        'cited': {kind: [citation for citation in citations if citation.kind == kind] for kind in selectors.CITABLE},
        'history': ObjectChange.objects.for_record(source) if request.user.has_perm('core.view_objectchange') else None,
    }
    return render(request, 'sources/source_detail.html', context)


@permission_required('sources.add_source')
def source_create(request):
    form = SourceForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            source = services.create_source(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Source created.'))
            return redirect(source)
    return render(request, 'sources/source_form.html', {'form': form})


@permission_required('sources.change_source')
def source_edit(request, key):
    source = get_object_or_404(Source, key=key)
    # The form validates its own copy: the service must see the source as stored.
    form = SourceForm(request.POST or None, instance=Source.objects.get(pk=source.pk))
    if request.method == 'POST' and form.is_valid():
        try:
            source = services.update_source(source=source, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Source saved.'))
            return redirect(source)
    return render(request, 'sources/source_form.html', {'form': form, 'source': source})


@permission_required('sources.add_claim')
def claim_create(request, key):
    source = get_object_or_404(Source, key=key)
    form = ClaimForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            services.create_claim(source=source, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Announced figure recorded.'))
            return redirect(source)
    return render(request, 'sources/claim_form.html', {'form': form, 'source': source})


@permission_required('sources.change_claim')
def claim_edit(request, key, pk):
    claim = get_object_or_404(Claim.objects.select_related('source'), source__key=key, pk=pk)
    form = ClaimForm(request.POST or None, instance=Claim.objects.get(pk=claim.pk))
    if request.method == 'POST' and form.is_valid():
        try:
            services.update_claim(claim=claim, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Announced figure saved.'))
            return redirect(claim.source)
    return render(request, 'sources/claim_form.html', {'form': form, 'source': claim.source, 'claim': claim})


@permission_required('sources.add_citation')
def record_citations(request, kind, pk):
    """The citations of one project or organization, with a form to cite a source and remove buttons."""
    record = selectors.visible_record(kind, pk, request.user)
    if record is None:
        raise Http404
    form = CitationForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        try:
            services.add_citation(record=record, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _('Source cited.'))
            return redirect('sources:record_citations', kind=kind, pk=record.pk)
    context = {
        'record': record,
        'kind': kind,
        'kind_label': selectors.CITABLE[kind].label,
        'form': form,
        'citations': Citation.objects.for_record(record),
        'history': selectors.citation_changes(record).select_related('actor')
        if request.user.has_perm('core.view_objectchange')
        else None,
    }
    return render(request, 'sources/record_citations.html', context)


@permission_required('sources.delete_citation')
@require_POST
def citation_remove(request, pk):
    citation = get_object_or_404(Citation.objects.select_related('source', 'content_type'), pk=pk)
    record = citation.record
    citable = selectors.citable_type_of(record) if record is not None else None
    if citable is None or not selectors.is_visible(record, request.user):
        raise Http404
    services.remove_citation(citation=citation, actor=request.user)
    messages.success(request, _('Citation removed.'))
    return redirect('sources:record_citations', kind=citable.kind, pk=record.pk)
