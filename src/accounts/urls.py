from django.urls import path

from accounts import views

app_name = 'accounts'
urlpatterns = [
    path('login/', views.LoginView.as_view(), name='login'),
    path('logout/', views.LogoutView.as_view(), name='logout'),
    path('password/', views.PasswordChangeView.as_view(), name='password_change'),
    path('profile/', views.profile, name='profile'),
    # Issues a new token, or revokes one (action=revoke): the name is older than revoking.
    path('profile/token/', views.token, name='rotate_token'),
]
