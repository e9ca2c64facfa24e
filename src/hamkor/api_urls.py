from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from core import api as core_api
from portfolio.api import OrganizationViewSet

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
router.register('organizations', OrganizationViewSet, basename='organization')
router.register('changes', core_api.ChangeViewSet, basename='change')

urlpatterns = [
    path('auth/token/', ObtainTokenView.as_view(), name='api-token'),
    path('reference/fx/convert/', core_api.ConvertView.as_view(), name='fx-convert'),
    *router.urls,
]
