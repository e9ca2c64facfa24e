from django.urls import path

from portfolio.api import views

routes = [
    ('projects', views.ProjectViewSet, 'project'),
]

urlpatterns = [
    path('portfolio/summary/', views.PortfolioSummaryView.as_view(), name='portfolio-summary'),
    path('portfolio/breakdown/<str:dimension>/', views.BreakdownView.as_view(), name='portfolio-breakdown'),
    path(
        'portfolio/breakdown/<str:dimension>/<str:key>/',
        views.DrillDownView.as_view(),
        name='portfolio-drill-down',
    ),
    path('projects/export.csv', views.ProjectExportView.as_view(), name='project-export'),
]
