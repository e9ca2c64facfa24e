from django.urls import path

from portfolio import views

app_name = 'portfolio'
urlpatterns = [
    path('organizations/', views.organization_list, name='organization_list'),
    path('organizations/new/', views.organization_create, name='organization_create'),
    path('organizations/<int:pk>/', views.organization_detail, name='organization_detail'),
    path('organizations/<int:pk>/edit/', views.organization_edit, name='organization_edit'),
    path('organizations/<int:pk>/delete/', views.organization_delete, name='organization_delete'),
]
