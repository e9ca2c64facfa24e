from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path('', include('core.home_urls')),
    path('accounts/', include('accounts.urls')),
    path('reference/', include('core.urls')),
    path('portfolio/', include('portfolio.urls')),
    path('trade/', include('trade.urls')),
    path('sources/', include('sources.urls')),
    path('jobs/', include('hamkor.jobs.urls')),
    path('i18n/', include('django.conf.urls.i18n')),
    path('admin/', admin.site.urls),
    path('api/', include('hamkor.api_urls')),
    path('api/schema/', SpectacularAPIView.as_view(), name='api-schema'),
    path('api/docs/', SpectacularSwaggerSplitView.as_view(url_name='api-schema'), name='api-docs'),
]
