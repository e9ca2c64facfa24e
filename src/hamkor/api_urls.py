"""The API's routes, gathered from every app's `api.urls` (its `routes` for the router, its
`urlpatterns` for the rest); paths come before the router's, as an export path must win over
a detail route."""

from rest_framework.routers import DefaultRouter

from hamkor.registry import api_url_modules

router = DefaultRouter()
urlpatterns = []
for module in api_url_modules():
    for prefix, viewset, basename in getattr(module, 'routes', ()):
        router.register(prefix, viewset, basename=basename)
    urlpatterns += module.urlpatterns
urlpatterns += router.urls
