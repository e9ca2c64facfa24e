"""The HS drill-down of the pair's trade: sections → chapters → headings → subheadings."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import HSSection
from hamkor.charts import to_json
from trade import charts, selectors
from trade.forms import ProductsForm
from trade.labels import source_label
from trade.schema import EXPORTS, PARTNER, REPORTER


def products(request, code: str = '', section: str = ''):
    if code and (not code.isdigit() or len(code) not in (2, 4, 6)):
        raise Http404
    section_record = get_object_or_404(HSSection, code=section) if section else None
    monitor = selectors.CachedMonitor(REPORTER, PARTNER)
    form = ProductsForm(request.GET, monitor=monitor)
    values = form.values()
    direction = values['flow']
    level = selectors.products(monitor, direction=direction, year=values['year'], code=code, section=section)
    context = {
        'form': form,
        'level': level,
        'code': code,
        'section': section_record,
        'lineage': level.lineage,
        'direction': direction,
        'direction_label': _('Exports to China') if direction == EXPORTS else _('Imports from China'),
        'source_label': source_label(level.source) if level.source else '',
        'leaf': level.leaf,
    }
    if level.leaf:
        context['history'] = level.history
    elif level.rows:
        query = f'?flow={direction}&year={level.year}'
        rows = [
            {'code': row.code or '—', 'name': row.name, 'usd': row.value_usd, 'share': row.share, 'growth': row.growth,
             'base': row.base_value_usd,
             'url': product_url(row.code, section_level=not code and not section) + query if row.code else None}
            for row in level.rows[:25]
        ]  # fmt: skip
        context['chart'] = to_json(charts.products_chart(rows), illustrative=level.illustrative)
    return render(request, 'trade/products.html', context)


def product_url(code: str, *, section_level: bool) -> str:
    """The page a product's row (or an HS section's, at the top level) links to."""
    return reverse('trade:product_section' if section_level else 'trade:product', args=[code])
