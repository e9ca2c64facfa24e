from django.urls import path

from accounts import views

app_name = 'accounts'
urlpatterns = [
    path('login/', views.LoginView.as_view(), name='login'),
    path('logout/', views.LogoutView.as_view(), name='logout'),
    path('password/', views.PasswordChangeView.as_view(), name='password_change'),
    path('profile/', views.profile, name='profile'),
    path('profile/token/', views.rotate_token, name='rotate_token'),
]
