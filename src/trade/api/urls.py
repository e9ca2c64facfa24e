from django.urls import path

from trade.api import views

urlpatterns = [
    path('trade/monitor/', views.MonitorView.as_view(), name='trade-monitor'),
    path('trade/targets/', views.TargetsView.as_view(), name='trade-targets'),
    path('trade/products/', views.ProductsView.as_view(), name='trade-products'),
    path('trade/partners/', views.PartnersView.as_view(), name='trade-partners'),
    path('trade/rca/', views.RcaView.as_view(), name='trade-rca'),
    path('trade/mirror/', views.MirrorProductsView.as_view(), name='trade-mirror'),
]
