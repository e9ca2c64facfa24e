from django.urls import path

from hamkor.jobs import views

app_name = 'jobs'
urlpatterns = [
    path('<int:pk>/', views.job_detail, name='detail'),
    path('<int:pk>/cancel/', views.job_cancel, name='cancel'),
]
