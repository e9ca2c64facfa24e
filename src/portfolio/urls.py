from django.urls import include, path

from portfolio import exports, import_views, views

app_name = 'portfolio'
urlpatterns = [
    path('', views.dashboard, name='dashboard'),
    path('breakdown/<str:dimension>/<str:key>/', views.drill_down, name='drill_down'),
    path('projects/', views.project_list, name='project_list'),
    path('projects/export.<str:format>', exports.project_export, name='project_export'),
    path('projects/new/', views.project_create, name='project_create'),
    path('projects/import/', import_views.project_import, name='project_import'),
    path('projects/<int:pk>/', views.project_detail, name='project_detail'),
    path('projects/<int:pk>/edit/', views.project_edit, name='project_edit'),
    path('projects/<int:pk>/status/', views.project_status, name='project_status'),
    path('projects/<int:pk>/transactions/new/', views.transaction_create, name='transaction_create'),
    path('projects/<int:pk>/budgets/new/', views.project_item_create, {'part': 'budgets'}, name='budget_create'),
    path(
        'projects/<int:pk>/planned-disbursements/new/',
        views.project_item_create,
        {'part': 'planned-disbursements'},
        name='planned_disbursement_create',
    ),
    path('projects/<int:pk>/documents/new/', views.project_item_create, {'part': 'documents'}, name='document_create'),
    path('projects/<int:pk>/relations/new/', views.relation_create, name='relation_create'),
    path('projects/<int:pk>/<str:part>/new/', views.project_item_create, name='project_add'),
    path('projects/<int:pk>/<str:part>/<int:item>/remove/', views.project_remove, name='project_remove'),
    # The registry of organizations (organizations.urls), named in this namespace as it always was.
    path('organizations/', include('organizations.urls')),
]
