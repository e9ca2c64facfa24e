from django.urls import path

from trade import exports, import_views, views

app_name = 'trade'
urlpatterns = [
    path('', views.dashboard, name='dashboard'),
    path('products/', views.products, name='products'),
    path('products/section/<str:section>/', views.products, name='product_section'),
    path('products/<str:code>/', views.products, name='product'),
    path('tables/<str:name>.<str:format>', exports.table_download, name='table'),
    path('targets/new/', views.target_create, name='target_create'),
    path('targets/<int:pk>/edit/', views.target_edit, name='target_edit'),
    path('import/', import_views.trade_import, name='import'),
    path('runs/', import_views.run_list, name='run_list'),
    path('runs/<int:pk>/', import_views.run_detail, name='run_detail'),
]
