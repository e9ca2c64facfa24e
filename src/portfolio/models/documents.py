"""Documents about a project published on the web (IATI `document-link`)."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import CodelistItem
from hamkor.models import ChangeLoggedModel, localized
from portfolio.choices import DocumentLanguage
from portfolio.models.projects import PartOfProject, Project

MIME_TYPE = re.compile(r'^[a-z]+/[a-z0-9][a-z0-9!#$&^_.+-]*$')
DOCUMENT_CATEGORY_CODELIST = 'DocumentCategory'
ACTIVITY_DOCUMENT_CATEGORY = 'A'  # B-categories are for an organisation's own documents


def validate_web_link(value: str) -> None:
    """Only http and https: a link is opened by readers' browsers, so no javascript:, file: or ftp:."""
    scheme = urlsplit(value).scheme.lower()
    if scheme not in ('http', 'https'):
        raise ValidationError(
            _('Only http:// and https:// links are accepted (this one starts with “%(scheme)s”).')
            % {'scheme': f'{scheme}:' if scheme else value[:20]},
            code='scheme',
        )
    URLValidator(schemes=['http', 'https'])(value)


def validate_mime_type(value: str) -> None:
    if not MIME_TYPE.match(value):
        raise ValidationError(
            _('“%(value)s” is not a MIME type; give one such as application/pdf or text/html.') % {'value': value},
            code='mime',
        )


class DocumentLink(PartOfProject, ChangeLoggedModel):
    """A document about a project published on the web (IATI `document-link`)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name='documents')
    url = models.CharField(_('address (URL)'), max_length=1000, validators=[validate_web_link])
    format = models.CharField(
        _('format'), max_length=100, validators=[validate_mime_type], help_text=_('MIME type, e.g. application/pdf.')
    )
    title_en = models.CharField(_('title (English)'), max_length=300)
    title_ru = models.CharField(_('title (Russian)'), max_length=300, blank=True)
    title_zh = models.CharField(_('title (Chinese)'), max_length=300, blank=True)
    title_uz = models.CharField(_('title (Uzbek)'), max_length=300, blank=True)
    category = models.CharField(_('category'), max_length=3, help_text=_('IATI DocumentCategory code (A01–A12).'))
    language = models.CharField(_('language'), max_length=2, choices=DocumentLanguage.choices, blank=True)
    document_date = models.DateField(_('document date'), null=True, blank=True)
    source = models.ForeignKey(
        'sources.Source', on_delete=models.PROTECT, null=True, blank=True, related_name='document_links',
        verbose_name=_('source'), help_text=_('The source record this document is, when it is one.'),
    )  # fmt: skip

    class Meta:
        ordering = ['category', 'title_en', 'id']
        verbose_name = _('document')
        verbose_name_plural = _('documents')
        constraints = [
            models.UniqueConstraint(
                fields=['project', 'url'],
                name='portfolio_documentlink_unique_url',
                violation_error_message=_('This document is already linked to the project.'),
            ),
        ]

    def __str__(self):
        return self.title_en

    @property
    def title(self) -> str:
        return localized(self, 'title')

    def clean(self):
        super().clean()
        if not self.category:
            return
        item = CodelistItem.objects.filter(codelist__name=DOCUMENT_CATEGORY_CODELIST, code=self.category).first()
        if item is None:
            raise ValidationError(
                {'category': _('%(code)s is not an IATI document category.') % {'code': self.category}}
            )
        if item.category != ACTIVITY_DOCUMENT_CATEGORY:
            raise ValidationError(
                {
                    'category': _(
                        "%(code)s (%(name)s) is a category for an organisation's own documents; "
                        "a project's documents use the activity categories A01–A12."
                    )
                    % {'code': item.code, 'name': item.name_en}
                }
            )
