"""Abstract bases shared by every domain app."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Suffix of the translated columns for each interface language (see docs/adr/0002).
LANGUAGE_COLUMN_SUFFIX = {'en': 'en', 'uz': 'uz', 'ru': 'ru', 'zh-hans': 'zh'}
DATA_LANGUAGES = ('en', 'ru', 'zh', 'uz')


class Untranslated(str):
    """A record's text shown in the language it was written in, for want of a translation into
    the reader's: plain text in downloads, the API and charts; on a page (Django renders an
    object with __html__ as its markup) marked with its language, so that a reader sees it is
    untranslated record data, not an interface left in another language."""

    def __new__(cls, text: str, language: str):
        value = super().__new__(cls, text)
        value.language = language
        return value

    def __html__(self) -> str:
        from django.utils.html import format_html
        from django.utils.translation import gettext

        title = gettext('Not translated into your language: shown as written')
        return format_html('<span class="fallback-text" lang="{}" data-language="{}" title="{}">{}</span>',
                           self.language, self.language, title, str(self))  # fmt: skip


def reader_suffix(language: str | None = None) -> str:
    return LANGUAGE_COLUMN_SUFFIX.get(language or get_language() or 'en', 'en')


def localized(instance, field: str, language: str | None = None) -> str:
    """The value of a translated field in the active language, falling back to English.

    A record that has no text in the reader's language shows its English text rather than a
    blank: the fallback is visible (the English words, marked as such on a page: Untranslated)
    and never invented.
    """
    suffix = reader_suffix(language)
    value = getattr(instance, f'{field}_{suffix}', '') or ''
    if value or suffix == 'en':
        return value or getattr(instance, f'{field}_en', '') or ''
    english = getattr(instance, f'{field}_en', '') or ''
    return Untranslated(english, 'en') if english else ''


def as_written_or_translated(instance, field: str, written_in: str, language: str | None = None) -> str:
    """A text kept as its document gives it (`field`, in the language `written_in`), in the
    reader's language where a translation is recorded (`field`_ru, …), otherwise as written,
    marked with its language."""
    suffix = reader_suffix(language)
    original = getattr(instance, field) or ''
    if suffix == written_in or not original:
        return original
    return getattr(instance, f'{field}_{suffix}', '') or Untranslated(original, written_in)


def translated_contains(field: str, word: str) -> models.Q:
    """Match `word` inside the field's text in any of the four data languages, in any case and
    with any of the Uzbek apostrophes (hamkor.search)."""
    query = models.Q()
    for language in DATA_LANGUAGES:
        query |= models.Q(**{f'{field}_{language}__folded_contains': word})
    return query


def translated_search(queryset, text: str, field: str = 'name', extra=None):
    """Records whose translated `field` (in any language) contains every word of `text`.

    `extra(word)` may add alternatives for a word, such as an exact code.
    """
    for word in text.split():
        condition = translated_contains(field, word)
        if extra is not None:
            condition |= extra(word)
        queryset = queryset.filter(condition)
    return queryset


# The visibility level only readers who see everything may see: the history of a record whose
# level can no longer be told (it is gone) gets it.
STRICTEST_VISIBILITY = 'restricted'


class ChangeLoggedMixin:
    """Marks a model whose every create, update and delete is written to the change log.

    `change_log_exclude` names fields kept out of the before/after values (noise such as
    timestamps); `change_log_redact` names secrets whose change is shown by a fingerprint only.
    """

    change_log_exclude: tuple[str, ...] = ()
    change_log_redact: tuple[str, ...] = ()
    # The foreign key (or generic foreign key) naming the record this one belongs to, whose
    # visibility its history has: when that record moves to another level, the history of what
    # belongs to it moves with it (core.changelog.follow_visibility).
    change_log_owner: str = ''

    def change_log_visibility(self) -> str:
        """The visibility level (hamkor.registry.visibility_levels) of the record's history: a
        change is shown only to readers who may see this level. '' (the default): to every
        reader of the change log. A record with a visibility of its own, or part of one that
        has it, returns that level, so its history never reaches a reader it is hidden from."""
        return ''


class ChangeLoggedModel(ChangeLoggedMixin, models.Model):
    created = models.DateTimeField(_('created'), auto_now_add=True)
    last_updated = models.DateTimeField(_('last updated'), auto_now=True)

    change_log_exclude = ('last_updated',)

    class Meta:
        abstract = True
