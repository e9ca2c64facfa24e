"""Pages for browsing reference data and the change log."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import selectors
from core.filters import ChangeFilter, CountryFilter
from core.fx import RateUnavailable, convert
from core.methodology import DOCUMENTS, document
from core.models import Country, Currency, ExchangeRate, HSCode, HSSection, ObjectChange, ReferenceDataset
from hamkor import pagecache
from hamkor.auth import permission_required
from hamkor.charts import line_chart, to_json
from hamkor.registry import home_stories, visibility_levels

HS_EDITIONS = ('2022', '2017')


def is_htmx(request) -> bool:
    return request.headers.get('HX-Request') == 'true'


RECENT_CHANGES = 8


def dashboard(request):
    """The landing page: each app's headline story for what the reader may see, cached together
    per audience and language (a reader who is not signed in gets the whole page from the cache),
    then what changed recently for readers of the change log, read on every request."""
    user = request.user
    stories = home_stories()
    page = pagecache.Page('home', topics=tuple(sorted({topic for story in stories for topic in story.topics})))
    slot = {'audience': visibility_levels(user), 'version': '\x1f'.join(story.version() for story in stories)}

    def context() -> dict:
        body = page.get(lambda: ''.join(story.render(user) for story in stories), **slot)
        recent = None
        if user.has_perm('core.view_objectchange'):
            recent = ObjectChange.objects.visible_to(user).select_related('content_type', 'actor')[:RECENT_CHANGES]
        return {'stories': mark_safe(body), 'recent': recent}  # noqa: S308 (the apps' rendered templates)

    return pagecache.render(request, page, 'dashboard.html', context, **slot)


# The topic's models are named in core.apps (CoreConfig.ready).
REFERENCE = pagecache.Page('reference-index', topics=('reference',))


def reference_index(request):
    """What reference data is loaded, and the yuan's and sum's latest rates: public, so every
    reader of a language shares one cached model."""
    return render(request, 'core/reference_index.html', REFERENCE.get(reference_model))


def reference_model() -> dict:
    series = selectors.rate_series('CNY', ExchangeRate.Frequency.MONTHLY)
    recent = [point for point in series if point['month'] >= '2016-01-01']
    chart = None
    if recent:
        chart = to_json(line_chart(recent, x='month', y='rate', x_title=_('Month'), y_title=_('CNY per USD')))
    return {
        'summary': selectors.reference_summary(),
        'latest': [rate for rate in (selectors.latest_rate('CNY'), selectors.latest_rate('UZS')) if rate],
        'chart': chart,
    }


def country_list(request):
    filtered = CountryFilter(request.GET, queryset=Country.objects.all())
    page = Paginator(filtered.qs, 60).get_page(request.GET.get('page'))
    return render(request, 'core/country_list.html', {'page': page, 'q': request.GET.get('q', '')})


def country_detail(request, iso3):
    country = get_object_or_404(Country, iso3=iso3.upper())
    return render(request, 'core/country_detail.html', {'country': country})


def hs_browse(request):
    edition = request.GET.get('edition', HS_EDITIONS[0])
    if edition not in HS_EDITIONS:
        edition = HS_EDITIONS[0]
    q = request.GET.get('q', '').strip()
    context = {'edition': edition, 'editions': HS_EDITIONS, 'q': q}
    if q:
        results = HSCode.objects.filter(edition=edition).search(q).order_by('code')
        context['page'] = Paginator(results, 50).get_page(request.GET.get('page'))
        template = 'core/_hs_results.html' if is_htmx(request) else 'core/hs_browse.html'
        return render(request, template, context)
    chapters = HSCode.objects.filter(edition=edition, level=2).order_by('code')
    context['sections'] = HSSection.objects.prefetch_related(Prefetch('codes', chapters, to_attr='chapters'))
    context['unsectioned'] = chapters.filter(section__isnull=True)
    if is_htmx(request):
        return render(request, 'core/_hs_results.html', context)
    return render(request, 'core/hs_browse.html', context)


def hs_detail(request, edition, code):
    item = get_object_or_404(HSCode.objects.select_related('section'), edition=edition, code=code)
    context = {
        'item': item,
        'lineage': selectors.hs_lineage(item),
        'children': item.children.order_by('code'),
        'other_edition': HSCode.objects.filter(code=code).exclude(edition=edition).first(),
    }
    return render(request, 'core/hs_detail.html', context)


def sector_list(request):
    q = request.GET.get('q', '').strip()
    items = selectors.sectors().order_by('code')
    if q:
        items = items.filter(code__startswith=q) if q.isdigit() else items.filter(name_en__icontains=q)
    categories = selectors.sector_categories()
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item.category, []).append(item)
    groups = [(code, categories.get(code, ''), members) for code, members in grouped.items()]
    return render(request, 'core/sector_list.html', {'groups': groups, 'q': q, 'count': len(items)})


def fx_rates(request):
    currency = request.GET.get('currency', 'CNY').upper()
    if not Currency.objects.filter(code=currency).exists():
        currency = 'CNY'
    monthly = selectors.rate_series(currency, ExchangeRate.Frequency.MONTHLY)
    annual = selectors.rate_series(currency, ExchangeRate.Frequency.ANNUAL)
    series = monthly or annual
    chart = None
    if series:
        chart = to_json(
            line_chart(
                series,
                x='month',
                y='rate',
                x_title=_('Month'),
                y_title=_('%(currency)s per USD') % {'currency': currency},
            )
        )
    rates = ExchangeRate.objects.filter(currency_id=currency).select_related('dataset').order_by('-period_start')
    context = {
        'currency': currency,
        'currencies': Currency.objects.filter(rates__isnull=False).distinct().order_by('code'),
        'chart': chart,
        'page': Paginator(rates, 24).get_page(request.GET.get('page')),
        'conversion': None,
        'error': None,
        'form': {'amount': '1000', 'currency': currency, 'to': 'USD', 'date': '2023-06-15'},
    }
    if 'amount' in request.GET:
        context.update(run_conversion(request.GET))
    template = 'core/_fx_conversion.html' if is_htmx(request) and 'amount' in request.GET else 'core/fx_rates.html'
    return render(request, template, context)


def run_conversion(params) -> dict:
    form = {name: params.get(name, '').strip() for name in ('amount', 'currency', 'to', 'date')}
    form['to'] = form['to'] or 'USD'
    result = {'form': form, 'conversion': None, 'error': None}
    try:
        amount = Decimal(form['amount'])
        on = datetime.date.fromisoformat(form['date'])
    except (InvalidOperation, ValueError):
        result['error'] = _('Enter an amount (a number) and a date (YYYY-MM-DD).')
        return result
    if amount < 0:
        result['error'] = _('The amount must not be negative.')
        return result
    known = set(
        Currency.objects.filter(code__in=[form['currency'].upper(), form['to'].upper()]).values_list('code', flat=True)
    )
    unknown = [code for code in (form['currency'].upper(), form['to'].upper()) if code not in known]
    if unknown:
        result['error'] = _('Unknown currency: %(codes)s.') % {'codes': ', '.join(unknown)}
        return result
    try:
        result['conversion'] = convert(amount, form['currency'], on, form['to'])
    except RateUnavailable as error:
        result['error'] = str(error)
    return result


def dataset_list(request):
    return render(request, 'core/dataset_list.html', {'datasets': ReferenceDataset.objects.all()})


def methodology(request, slug: str):
    try:
        shown = document(slug, get_language())
    except KeyError:
        raise Http404 from None
    others = [(key, str(title)) for key, title in DOCUMENTS.items() if key != slug]
    return render(request, 'core/methodology.html', {'document': shown, 'others': others})


@permission_required('core.view_objectchange')
def change_list(request):
    changes = ObjectChange.objects.visible_to(request.user).select_related('content_type', 'actor')
    filtered = ChangeFilter(request.GET, queryset=changes)
    page = Paginator(filtered.qs, 50).get_page(request.GET.get('page'))
    return render(request, 'core/change_list.html', {'page': page, 'filter': filtered})


@permission_required('core.view_objectchange')
def change_detail(request, pk):
    change = get_object_or_404(
        ObjectChange.objects.visible_to(request.user).select_related('content_type', 'actor'), pk=pk
    )
    return render(request, 'core/change_detail.html', {'change': change})
