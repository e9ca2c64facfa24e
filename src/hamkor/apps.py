from django.apps import AppConfig

from hamkor import search


class HamkorConfig(AppConfig):
    name = 'hamkor'

    def ready(self):
        search.install()
