from django.urls import path

from trade.views import (
    advantage,
    approvals,
    dashboard,
    downloads,
    imports,
    mappings,
    mirror,
    partners,
    products,
    targets,
)

app_name = 'trade'
urlpatterns = [
    path('', dashboard.dashboard, name='dashboard'),
    path('products/', products.products, name='products'),
    path('products/section/<str:section>/', products.products, name='product_section'),
    path('products/<str:code>/', products.products, name='product'),
    path('partners/', partners.partners, name='partners'),
    path('partners/<str:code>/', partners.partner, name='partner'),
    path('advantage/', advantage.advantage, name='advantage'),
    path('mirror/', mirror.mirror, name='mirror'),
    path('tables/<str:name>.<str:format>', downloads.table_download, name='table'),
    path('targets/new/', targets.target_create, name='target_create'),
    path('targets/<int:pk>/edit/', targets.target_edit, name='target_edit'),
    path('import/', imports.trade_import, name='import'),
    path('runs/', imports.run_list, name='run_list'),
    path('runs/<int:pk>/', imports.run_detail, name='run_detail'),
    path('approvals/', approvals.approval_list, name='approvals'),
    path('approvals/<int:pk>/approve/', approvals.approve, name='approve_run'),
    path('approvals/<int:pk>/reject/', approvals.reject, name='reject_run'),
    path('mappings/', mappings.mapping_list, name='mapping_list'),
    path('mappings/new/', mappings.mapping_create, name='mapping_create'),
    path('mappings/<slug:key>/edit/', mappings.mapping_edit, name='mapping_edit'),
]
