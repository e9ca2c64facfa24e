from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from core import api as core_api
from portfolio import api as portfolio_api
from sources import api as sources_api
from trade import api as trade_api

router = DefaultRouter()
router.register('reference/countries', core_api.CountryViewSet, basename='country')
router.register('reference/currencies', core_api.CurrencyViewSet, basename='currency')
router.register('reference/codelists', core_api.CodelistViewSet, basename='codelist')
router.register('reference/codelist-items', core_api.CodelistItemViewSet, basename='codelist-item')
router.register('reference/sectors', core_api.SectorViewSet, basename='sector')
router.register('reference/hs-sections', core_api.HSSectionViewSet, basename='hs-section')
router.register(r'reference/hs/(?P<edition>2017|2022)', core_api.HSCodeViewSet, basename='hs-code')
router.register('reference/fx-rates', core_api.ExchangeRateViewSet, basename='fx-rate')
router.register('reference/datasets', core_api.ReferenceDatasetViewSet, basename='reference-dataset')
router.register('organizations', portfolio_api.OrganizationViewSet, basename='organization')
router.register('projects', portfolio_api.ProjectViewSet, basename='project')
router.register('changes', core_api.ChangeViewSet, basename='change')
router.register('sources', sources_api.SourceViewSet, basename='source')
router.register('claims', sources_api.ClaimViewSet, basename='claim')

urlpatterns = [
    path('auth/token/', ObtainTokenView.as_view(), name='api-token'),
    path('reference/fx/convert/', core_api.ConvertView.as_view(), name='fx-convert'),
    path('portfolio/summary/', portfolio_api.PortfolioSummaryView.as_view(), name='portfolio-summary'),
    path('portfolio/breakdown/<str:dimension>/', portfolio_api.BreakdownView.as_view(), name='portfolio-breakdown'),
    path(
        'portfolio/breakdown/<str:dimension>/<str:key>/',
        portfolio_api.DrillDownView.as_view(),
        name='portfolio-drill-down',
    ),
    path('projects/export.csv', portfolio_api.ProjectExportView.as_view(), name='project-export'),
    path('trade/monitor/', trade_api.MonitorView.as_view(), name='trade-monitor'),
    path('trade/targets/', trade_api.TargetsView.as_view(), name='trade-targets'),
    path('trade/products/', trade_api.ProductsView.as_view(), name='trade-products'),
    path('trade/partners/', trade_api.PartnersView.as_view(), name='trade-partners'),
    path('trade/rca/', trade_api.RcaView.as_view(), name='trade-rca'),
    path('trade/mirror/', trade_api.MirrorProductsView.as_view(), name='trade-mirror'),
    *router.urls,
]
