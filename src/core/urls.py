from django.urls import path

from core import views

app_name = 'core'
urlpatterns = [
    path('', views.reference_index, name='reference_index'),
    path('countries/', views.country_list, name='country_list'),
    path('countries/<str:iso3>/', views.country_detail, name='country_detail'),
    path('hs/', views.hs_browse, name='hs_browse'),
    path('hs/<str:edition>/<str:code>/', views.hs_detail, name='hs_detail'),
    path('sectors/', views.sector_list, name='sector_list'),
    path('fx/', views.fx_rates, name='fx_rates'),
    path('sources/', views.dataset_list, name='dataset_list'),
    path('methodology/<slug:slug>/', views.methodology, name='methodology'),
    path('changes/', views.change_list, name='change_list'),
    path('changes/<int:pk>/', views.change_detail, name='change_detail'),
]
