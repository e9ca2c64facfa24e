from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.forms import LoginForm
from accounts.selectors import profile_page
from accounts.services import revoke_api_token, rotate_api_token, set_password


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
        # The form has checked the old password and validated the new one.
        user = form.user
        had_token = Token.objects.filter(user=user).exists()
        set_password(user=user, password=form.cleaned_data['new_password1'], actor=self.request.user)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _('Your password has been changed.'))
        if had_token:
            messages.info(
                self.request, _('Your API token has been replaced by a new one: the previous one no longer works.')
            )
        return HttpResponseRedirect(self.get_success_url())


@login_required
def profile(request):
    page = profile_page(request.user)
    return render(request, 'accounts/profile.html', {'page': page, 'roles': page.roles})


@login_required
@require_POST
def token(request):
    """The buttons of the profile's API token: "revoke" deletes the token the form names — the
    user's own; another user's needs the permission to change users, else 403 and nothing
    changes —, anything else issues the user a new token in place of theirs."""
    if request.POST.get('action') == 'revoke':
        revoked = get_object_or_404(Token.objects.select_related('user'), key=request.POST.get('token', ''))
        revoke_api_token(token=revoked, actor=request.user)
        messages.success(request, _('The API token has been revoked; it no longer works.'))
    else:
        rotate_api_token(user=request.user, actor=request.user)
        messages.success(request, _('A new API token has been issued; the previous one no longer works.'))
    return redirect('accounts:profile')
