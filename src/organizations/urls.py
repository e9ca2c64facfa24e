"""The pages of the registry. They are included by portfolio.urls under /portfolio/organizations/
without a namespace of their own, so that their names stay those they always had
(portfolio:organization_list, …) and every link and bookmark keeps working."""

from django.urls import path

from organizations import views

urlpatterns = [
    path('', views.organization_list, name='organization_list'),
    path('new/', views.organization_create, name='organization_create'),
    path('import/', views.organization_import, name='organization_import'),
    path('<int:pk>/', views.organization_detail, name='organization_detail'),
    path('<int:pk>/edit/', views.organization_edit, name='organization_edit'),
    path('<int:pk>/delete/', views.organization_delete, name='organization_delete'),
]
