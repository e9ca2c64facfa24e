from django.urls import path

from trade import views

app_name = 'trade'
urlpatterns = [
    path('', views.dashboard, name='dashboard'),
]
