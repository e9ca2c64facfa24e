from django.urls import include, path

from portfolio.views import dashboard, downloads, imports, parts, projects

app_name = 'portfolio'
urlpatterns = [
    path('', dashboard.dashboard, name='dashboard'),
    path('breakdown/<str:dimension>/<str:key>/', dashboard.drill_down, name='drill_down'),
    path('projects/', projects.project_list, name='project_list'),
    path('projects/export.<str:format>', downloads.project_export, name='project_export'),
    path('projects/new/', projects.project_create, name='project_create'),
    path('projects/import/', imports.project_import, name='project_import'),
    path('projects/<int:pk>/', projects.project_detail, name='project_detail'),
    path('projects/<int:pk>/edit/', projects.project_edit, name='project_edit'),
    path('projects/<int:pk>/status/', projects.project_status, name='project_status'),
    path('projects/<int:pk>/transactions/new/', projects.transaction_create, name='transaction_create'),
    path('projects/<int:pk>/budgets/new/', parts.project_item_create, {'part': 'budgets'}, name='budget_create'),
    path(
        'projects/<int:pk>/planned-disbursements/new/',
        parts.project_item_create,
        {'part': 'planned-disbursements'},
        name='planned_disbursement_create',
    ),
    path('projects/<int:pk>/documents/new/', parts.project_item_create, {'part': 'documents'}, name='document_create'),
    path('projects/<int:pk>/relations/new/', parts.relation_create, name='relation_create'),
    path('projects/<int:pk>/<str:part>/new/', parts.project_item_create, name='project_add'),
    path('projects/<int:pk>/<str:part>/<int:item>/remove/', parts.project_remove, name='project_remove'),
    # The registry of organizations (organizations.urls), named in this namespace as it always was.
    path('organizations/', include('organizations.urls')),
]
