from sources.api import views

routes = [
    ('sources', views.SourceViewSet, 'source'),
    ('claims', views.ClaimViewSet, 'claim'),
]

urlpatterns = []
