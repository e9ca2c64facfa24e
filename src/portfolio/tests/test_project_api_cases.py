"""The project endpoints through the shared API cases (hamkor.testing.api_cases)."""

from hamkor.permissions import SYSTEM
from hamkor.testing.api_cases import APICases
from portfolio.services import create_project


class TestProjectAPI(APICases):
    basename = 'project'
    model = 'portfolio.Project'
    create_data = {
        'identifier': 'P-NEW',
        'title_en': 'Copper concentrator',
        'sectors': [{'sector': 'mining', 'percentage': '100'}],
    }
    update_data = {'title_ru': 'Медная обогатительная фабрика', 'region': 'UZ-TO'}
    # No English title, and a sector that is not in the list of cooperation sectors.
    invalid_data = {'identifier': 'P-BAD', 'sectors': [{'sector': 'no-such-sector', 'percentage': '100'}]}
    invalid_fields = {'title_en', 'sectors'}

    def make(self, number):
        return create_project(actor=SYSTEM, identifier=f'P-{number}', title_en=f'Project {number}')
