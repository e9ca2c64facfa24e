from organizations.api import views

routes = [('organizations', views.OrganizationViewSet, 'organization')]
urlpatterns = []
