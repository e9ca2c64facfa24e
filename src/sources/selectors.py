"""Which citations a reader may see.

A citation is as confidential as the record it supports: the citation of a restricted project
tells that the project exists, so citations are shown only for records the reader may see, and
counted only over those. Record types are registered (register_citable) with the rule for who sees them;
a citation of a type that is not registered is shown to no one.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

from core.models import ObjectChange
from sources.models import Citation, Claim, Source


@dataclass(frozen=True)
class CitableType:
    kind: str  # how URLs and the API name the type
    label: str
    model_label: str  # app_label.ModelName
    visible_to: Callable  # user → queryset of the records the user may see

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


CITABLE: dict[str, CitableType] = {}


def register_citable(citable: CitableType) -> None:
    """Apps above `sources` make their records citable from their `AppConfig.ready()`."""
    CITABLE[citable.kind] = citable


def citable_type_of(record) -> CitableType | None:
    label = record._meta.label
    return next((citable for citable in CITABLE.values() if citable.model_label == label), None)


def visible_record(kind: str, pk, user):
    """The record of type `kind` with primary key `pk` if it exists and `user` may see it, else None."""
    citable = CITABLE.get(kind)
    if citable is None:
        return None
    try:
        return citable.visible_to(user).filter(pk=pk).first()
    except (TypeError, ValueError):
        return None


def is_visible(record, user) -> bool:
    citable = citable_type_of(record)
    return citable is not None and citable.visible_to(user).filter(pk=record.pk).exists()


def visible_citations(user):
    """Citations whose record exists and `user` may see (one query, whatever the types)."""
    condition = models.Q(pk__in=[])
    for citable in CITABLE.values():
        keys = citable.visible_to(user).annotate(cited_key=Cast('pk', models.CharField())).values('cited_key')
        condition |= models.Q(content_type=citable.content_type, object_id__in=keys)
    return Citation.objects.filter(condition)


def sources_with_counts(user):
    """Sources with the number of their claims and of the citations `user` may see."""
    claims = Claim.objects.filter(source=OuterRef('pk')).values('source').annotate(n=Count('id')).values('n')
    citations = (visible_citations(user).filter(source=OuterRef('pk')).values('source').annotate(n=Count('id'))).values(
        'n'
    )
    return Source.objects.annotate(
        claim_count=Coalesce(Subquery(claims, output_field=IntegerField()), 0),
        citation_count=Coalesce(Subquery(citations, output_field=IntegerField()), 0),
    )


def citations_with_records(citations) -> list[Citation]:
    """Citations with their records loaded (one query per record type) and `kind` set."""
    citations = list(citations.select_related('source', 'content_type').prefetch_related('record'))
    kinds = {citable.model_label: citable.kind for citable in CITABLE.values()}
    for citation in citations:
        citation.kind = kinds.get(citation.content_type.model_class()._meta.label, '')
    return citations


def citation_changes(record):
    """Change-log entries of the citations of `record` (added, edited or removed)."""
    record_type = ContentType.objects.get_for_model(type(record)).pk
    citation_type = ContentType.objects.get_for_model(Citation)
    key = str(record.pk)
    return ObjectChange.objects.filter(content_type=citation_type).filter(
        models.Q(after__content_type_id=record_type, after__object_id=key)
        | models.Q(before__content_type_id=record_type, before__object_id=key)
    )
