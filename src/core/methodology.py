"""The methodology documents of docs/ (how totals are counted, how the monitor projects) as
pages of the application, in the reader's language where the document has a translation
(docs/NAME.<language>.md beside docs/NAME.md); otherwise the English text with a marker."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

DOCUMENTS = {
    'portfolio-aggregation': _('Portfolio: aggregation rules and who sees what'),
    'trade-monitor': _('Trade monitor: methods, formulas and rules'),
}
SOURCE_LANGUAGE = 'en'


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    html: str
    language: str  # the language of the text shown
    fallback: bool  # the reader's language has no translation: the text is the English one


def document(slug: str, language: str) -> Document:
    """The document `slug` for a reader of `language`; KeyError for a document not published."""
    title = DOCUMENTS[slug]
    folder = Path(settings.PROJECT_DIR) / 'docs'
    translated = folder / f'{slug}.{language}.md'
    if language != SOURCE_LANGUAGE and translated.exists():
        path, shown = translated, language
    else:
        path, shown = folder / f'{slug}.md', SOURCE_LANGUAGE
    html = _render(str(path), path.stat().st_mtime_ns)
    return Document(slug, str(title), mark_safe(html), shown, fallback=shown != language)  # noqa: S308


@lru_cache(maxsize=16)
def _render(path: str, modified: int) -> str:
    """HTML of a Markdown file, raw HTML in it escaped (html=False); cached per file version."""
    parser = MarkdownIt('commonmark', {'html': False}).enable('table')
    return parser.render(Path(path).read_text(encoding='utf-8'))
