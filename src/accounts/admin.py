from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ('username', 'email', 'side', 'organization', 'is_active', 'is_superuser')
    list_filter = ('side', 'groups', 'is_active', 'is_superuser')
    fieldsets = (*BaseUserAdmin.fieldsets, (_('Cooperation'), {'fields': ('side', 'organization')}))
