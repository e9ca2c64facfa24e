from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.forms import LoginForm
from accounts.roles import ROLE_LABELS
from accounts.services import rotate_api_token


class LoginView(auth_views.LoginView):
    template_name = 'accounts/login.html'
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = 'accounts/password_change.html'
    success_url = reverse_lazy('accounts:profile')

    def form_valid(self, form):
        messages.success(self.request, _('Your password has been changed.'))
        return super().form_valid(form)


@login_required
def profile(request):
    token = Token.objects.filter(user=request.user).first()
    roles = [ROLE_LABELS.get(name, name) for name in request.user.role_names]
    return render(request, 'accounts/profile.html', {'token': token, 'roles': roles})


@login_required
@require_POST
def rotate_token(request):
    rotate_api_token(user=request.user, actor=request.user)
    messages.success(request, _('A new API token has been issued; the previous one no longer works.'))
    return redirect('accounts:profile')
