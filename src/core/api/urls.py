from django.urls import path

from core.api import views

routes = [
    ('reference/countries', views.CountryViewSet, 'country'),
    ('reference/currencies', views.CurrencyViewSet, 'currency'),
    ('reference/codelists', views.CodelistViewSet, 'codelist'),
    ('reference/codelist-items', views.CodelistItemViewSet, 'codelist-item'),
    ('reference/sectors', views.SectorViewSet, 'sector'),
    ('reference/hs-sections', views.HSSectionViewSet, 'hs-section'),
    (r'reference/hs/(?P<edition>2017|2022)', views.HSCodeViewSet, 'hs-code'),
    ('reference/fx-rates', views.ExchangeRateViewSet, 'fx-rate'),
    ('reference/datasets', views.ReferenceDatasetViewSet, 'reference-dataset'),
    ('changes', views.ChangeViewSet, 'change'),
]

urlpatterns = [
    path('reference/fx/convert/', views.ConvertView.as_view(), name='fx-convert'),
]
