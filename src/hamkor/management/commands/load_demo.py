from django.core.management.base import BaseCommand

from hamkor.registry import demo_loaders


class Command(BaseCommand):
    help = 'Load the demo scenario (the press report, its figures, the portfolio) and the demo accounts.'

    def handle(self, *args, **options):
        for loader in demo_loaders():
            for line in loader.load():
                self.stdout.write(line)
