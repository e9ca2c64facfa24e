"""Declarative tests of a model's REST endpoints, so that a new model's API tests are mostly data.

A test class names the router basename, how to make a record, a valid and an invalid payload,
and the fields the invalid one must be refused on; the base runs the list (with a query count
that must not grow with the rows), the detail, create, update and delete with their change-log
rows, the refusal of invalid input with nothing written, and the refusal of each write to a user
holding every permission of the app but the one it needs.

    class TestProjectAPI(APICases):
        basename = 'project'
        model = 'portfolio.Project'
        create_data = {...}
        update_data = {...}
        invalid_data = {...}
        invalid_fields = {'identifier'}

        def make(self, number):
            return create_project(identifier=f'P-{number}', title_en=f'Project {number}', actor=SYSTEM)
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hamkor.testing.services import table_state


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=user).key}')
    return client


@pytest.mark.django_db
class APICases:
    basename: str
    model: str  # 'app.Model'
    create_data: dict
    update_data: dict
    invalid_data: dict
    invalid_fields: set[str]
    lookup: str = 'pk'  # the attribute the detail URL takes
    methods: tuple[str, ...] = ('list', 'detail', 'create', 'update', 'delete')

    def make(self, number: int):
        raise NotImplementedError

    # Helpers

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def list_url(self) -> str:
        return reverse(f'{self.basename}-list')

    def detail_url(self, record) -> str:
        return reverse(f'{self.basename}-detail', args=[getattr(record, self.lookup)])

    def user_with(self, make_user, *codenames: str, allow: bool = True):
        """A user holding exactly `codenames` of the model's app, or (allow=False) all the others."""
        user = make_user(None)
        permissions = Permission.objects.filter(content_type__app_label=self.model_class._meta.app_label)
        chosen = permissions.filter(codename__in=codenames) if allow else permissions.exclude(codename__in=codenames)
        user.user_permissions.add(*chosen)
        return type(user).objects.get(pk=user.pk)

    def codename(self, action: str) -> str:
        return f'{action}_{self.model_class._meta.model_name}'

    def skip_unless(self, method: str) -> None:
        if method not in self.methods:
            pytest.skip(f'{self.basename} has no {method} endpoint')

    # The cases

    def test_the_list_takes_as_many_queries_for_many_rows_as_for_one(self, make_user):
        self.skip_unless('list')
        self.make(1)
        client = _client(make_user('secretariat'))
        with CaptureQueriesContext(connection) as one:
            assert client.get(self.list_url()).status_code == 200
        for number in range(2, 12):
            self.make(number)
        with CaptureQueriesContext(connection) as many:
            assert client.get(self.list_url()).status_code == 200
        assert len(many.captured_queries) == len(one.captured_queries)

    def test_the_detail_answers_with_the_record(self, make_user):
        self.skip_unless('detail')
        record = self.make(1)
        response = _client(make_user('secretariat')).get(self.detail_url(record))
        assert (response.status_code, response.json()['id']) == (200, record.pk)

    def test_create_writes_the_record_and_its_change_log_row(self, make_user):
        self.skip_unless('create')
        ObjectChange = apps.get_model('core.ObjectChange')
        before = self.model_class._default_manager.count()
        response = _client(self.user_with(make_user, self.codename('add'))).post(
            self.list_url(), self.create_data, format='json'
        )
        assert response.status_code == 201, response.content
        assert self.model_class._default_manager.count() == before + 1
        created = self.model_class._default_manager.get(pk=response.json()['id'])
        change = ObjectChange.objects.for_record(created).get(action='create')
        assert change.channel == 'api'

    def test_invalid_input_is_refused_on_its_fields_and_writes_nothing(self, make_user):
        self.skip_unless('create')
        client = _client(self.user_with(make_user, self.codename('add')))
        state = table_state(self.model, 'core.ObjectChange')
        response = client.post(self.list_url(), self.invalid_data, format='json')
        assert response.status_code == 400
        assert set(response.json()['error']['fields']) == self.invalid_fields, response.json()
        assert table_state(self.model, 'core.ObjectChange') == state

    def test_update_changes_the_fields(self, make_user):
        self.skip_unless('update')
        record = self.make(1)
        response = _client(self.user_with(make_user, self.codename('change'))).patch(
            self.detail_url(record), self.update_data, format='json'
        )
        assert response.status_code == 200, response.content
        record.refresh_from_db()
        assert {name: getattr(record, name) for name in self.update_data} == self.update_data

    def test_delete_removes_the_record(self, make_user):
        self.skip_unless('delete')
        record = self.make(1)
        response = _client(self.user_with(make_user, self.codename('delete'))).delete(self.detail_url(record))
        assert response.status_code == 204
        assert not self.model_class._default_manager.filter(pk=record.pk).exists()

    @pytest.mark.parametrize('action', ['add', 'change', 'delete'])
    def test_each_write_needs_its_own_permission(self, action, make_user):
        method = {'add': 'create', 'change': 'update', 'delete': 'delete'}[action]
        self.skip_unless(method)
        record = self.make(1)
        requests = {
            'add': lambda client: client.post(self.list_url(), self.create_data, format='json'),
            'change': lambda client: client.patch(self.detail_url(record), self.update_data, format='json'),
            'delete': lambda client: client.delete(self.detail_url(record)),
        }
        refusing, anonymous_client = _client(self.user_with(make_user, self.codename(action), allow=False)), _client()
        state = table_state(self.model, 'core.ObjectChange')
        refused, anonymous = requests[action](refusing), requests[action](anonymous_client)
        assert (refused.status_code, anonymous.status_code) == (403, 401)
        assert table_state(self.model, 'core.ObjectChange') == state
