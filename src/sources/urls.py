from django.urls import path

from sources import views

app_name = 'sources'
urlpatterns = [
    path('', views.source_list, name='source_list'),
    path('new/', views.source_create, name='source_create'),
    path('cite/<str:kind>/<int:pk>/', views.record_citations, name='record_citations'),
    path('citations/<int:pk>/remove/', views.citation_remove, name='citation_remove'),
    path('<slug:key>/', views.source_detail, name='source_detail'),
    path('<slug:key>/edit/', views.source_edit, name='source_edit'),
    path('<slug:key>/claims/new/', views.claim_create, name='claim_create'),
    path('<slug:key>/claims/<int:pk>/edit/', views.claim_edit, name='claim_edit'),
]
