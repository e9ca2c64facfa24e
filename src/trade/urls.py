from django.urls import path

from trade import analysis_views, exports, import_views, mapping_views, partner_views, views

app_name = 'trade'
urlpatterns = [
    path('', views.dashboard, name='dashboard'),
    path('products/', views.products, name='products'),
    path('products/section/<str:section>/', views.products, name='product_section'),
    path('products/<str:code>/', views.products, name='product'),
    path('partners/', partner_views.partners, name='partners'),
    path('partners/<str:code>/', partner_views.partner, name='partner'),
    path('advantage/', analysis_views.advantage_page, name='advantage'),
    path('mirror/', analysis_views.mirror_page, name='mirror'),
    path('tables/<str:name>.<str:format>', exports.table_download, name='table'),
    path('targets/new/', views.target_create, name='target_create'),
    path('targets/<int:pk>/edit/', views.target_edit, name='target_edit'),
    path('import/', import_views.trade_import, name='import'),
    path('runs/', import_views.run_list, name='run_list'),
    path('runs/<int:pk>/', import_views.run_detail, name='run_detail'),
    path('mappings/', mapping_views.mapping_list, name='mapping_list'),
    path('mappings/new/', mapping_views.mapping_create, name='mapping_create'),
    path('mappings/<slug:key>/edit/', mapping_views.mapping_edit, name='mapping_edit'),
]
