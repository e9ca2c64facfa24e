"""Declarative tests of a model's REST endpoints, so that a new model's API tests are mostly data.

A test class names the router basename, how to make a record, and what it declares of the
endpoint; the base runs the cases that apply. `ReadOnlyAPICases` (an endpoint that lists and
reads):

- every user of `readers` lists and reads the records `make` made, the answers showing what
  `shown(record)` derives from the record; a detail agrees with the record's list row; an unknown
  record is a 404 in the error shape;
- the list takes as many queries for many rows as for one, for every reader;
- each of `filters` answers exactly the records it selects, in the list's order;
- restricted data (`make_restricted`) is in no list, count or detail answered to a reader who
  may not see it, and is in those answered to a reader who may (so the check reads something);
- a write the endpoint lacks answers 405 and writes nothing, even to a user holding every
  permission of the app.

`APICases` adds the writes: create, update and delete with their change-log rows under the
channel "api"; invalid input refused on its fields with nothing written; each write refused,
with nothing written, to a user holding every permission of the app but the one it needs and
to an anonymous caller.

    class TestProjectAPI(APICases):
        basename = 'project'
        model = 'portfolio.Project'
        create_data = {...}
        update_data = {...}
        invalid_data = {...}
        invalid_fields = {'identifier'}

        def make(self, number):
            return create_project(identifier=f'P-{number}', title_en=f'Project {number}', actor=SYSTEM)

    class TestSourceAPI(ReadOnlyAPICases):
        basename = 'source'
        model = 'sources.Source'
        lookup = identity = 'key'  # /api/sources/<key>/, and answers name the record by its key
        readers = ('anonymous', 'secretariat', ('cn-analyst', Side.CHINA))

        def make(self, number): ...
        def make_restricted(self): ...  # a source citing a restricted project: [Restricted(...)]

A user is named as 'anonymous', 'norole' (signed in, no role), a role, or (role, side).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hamkor.api import Pagination
from hamkor.testing.services import table_state

Who = str | tuple[str, str]  # 'anonymous', 'norole', a role, or (role, side)
WRITES = ('create', 'update', 'delete')
ACTIONS = {'add': 'create', 'change': 'update', 'delete': 'delete'}  # permission action → write


def applies_if(condition):
    """Collect the decorated test only in classes for which `condition(cls)` holds: an endpoint
    without a list, a filter or restricted data has no such test, rather than a skipped one."""

    def mark(test):
        test.applies_if = condition
        return test

    return mark


def needs(*methods: str):
    return applies_if(lambda cls: set(methods) <= set(cls.methods))


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f'Token {Token.objects.create(user=user).key}')
    return client


@dataclass
class Restricted:
    """Data made by a test class's `make_restricted()` that `reader` may not see and `insider` may.

    Every other record the test makes is seen by both, so the reader's list count is the
    insider's less the hidden `records`.
    """

    reader: Who
    insider: Who
    texts: tuple[str, ...] = ()  # sentinels (an identifier, a title): in no answer to `reader`
    records: tuple = ()  # records of the endpoint's model hidden from `reader`: not listed, not counted, 404
    # (record, answer field) → (the reader's value, the insider's value), in the record's list row and
    # detail wherever the field is; a list is compared by its length
    counts: dict[tuple[Any, str], tuple[Any, Any]] = field(default_factory=dict)


@pytest.mark.django_db
class ReadOnlyAPICases:
    """The cases of an endpoint that lists and reads (a router's ReadOnlyModelViewSet); every
    write answers 405. APICases adds the writes."""

    basename: str
    model: str  # 'app.Model'
    methods: tuple[str, ...] = ('list', 'detail')
    lookup: str = 'pk'  # the attribute of a record the detail URL takes
    identity: str = 'id'  # the field of an answer holding that value
    readers: tuple[Who, ...] = ('secretariat',)  # who may list and read the records `make` makes
    # (query, numbers of the records made by make(1..filter_rows) the list answers, in its order)
    filters: tuple[tuple[dict, list[int]], ...] = ()
    filter_rows: int = 3

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in {name for klass in cls.__mro__ for name in vars(klass) if name.startswith('test_')}:
            test = next(
                (vars(klass)[name] for klass in cls.__mro__ if hasattr(vars(klass).get(name), 'applies_if')), None
            )
            if test is not None:
                setattr(cls, name, test if test.applies_if(cls) else None)  # None: pytest collects nothing

    def make(self, number: int):
        """A new record, the `number`th: numbers 1 to 11 are made in one test."""
        raise NotImplementedError

    def shown(self, record) -> dict:
        """Fields and values the answers about `record` show: its detail all of them, a list row
        those the row has. Derive them from the record."""
        return {}

    def make_restricted(self) -> list[Restricted]:
        """Data some readers may not see, with who may not and who may (none: no such case)."""
        return []

    # Helpers

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def list_url(self) -> str:
        return reverse(f'{self.basename}-list')

    def detail_url(self, record) -> str:
        return reverse(f'{self.basename}-detail', args=[self.key(record)])

    def key(self, record):
        """The value naming `record` in URLs and (as `identity`) in answers."""
        return getattr(record, self.lookup)

    def user(self, make_user, who: Who):
        """The user `who` names (None for 'anonymous')."""
        if who == 'anonymous':
            return None
        role, side = (who, None) if isinstance(who, str) else who
        role = None if role == 'norole' else role
        return make_user(role) if side is None else make_user(role, side=side)

    def client_of(self, make_user, who: Who) -> APIClient:
        return _client(self.user(make_user, who))

    def user_with(self, make_user, *codenames: str, allow: bool = True):
        """A user holding exactly `codenames` of the model's app, or (allow=False) all the others."""
        user = make_user(None)
        permissions = Permission.objects.filter(content_type__app_label=self.model_class._meta.app_label)
        chosen = permissions.filter(codename__in=codenames) if allow else permissions.exclude(codename__in=codenames)
        user.user_permissions.add(*chosen)
        return type(user).objects.get(pk=user.pk)

    def codename(self, action: str) -> str:
        return f'{action}_{self.model_class._meta.model_name}'

    def listed(self, client, query: dict | None = None) -> tuple[int, list[dict]]:
        """(count, rows) of the whole list (one page as large as the API allows)."""
        response = client.get(self.list_url(), {'page_size': Pagination.max_page_size, **(query or {})})
        assert response.status_code == 200, response.content
        body = response.json()
        if isinstance(body, dict) and 'results' in body:
            assert body['next'] is None, 'the list has more rows than one page: make fewer'
            return body['count'], body['results']
        return len(body), body

    def row_of(self, rows: list[dict], record) -> dict | None:
        return next((row for row in rows if row[self.identity] == self.key(record)), None)

    def assert_shows(self, body: dict, record, *, every_field: bool, who: Who = '') -> None:
        expected = self.shown(record)
        names = expected if every_field else [name for name in expected if name in body]
        assert {name: body.get(name) for name in names} == {name: expected[name] for name in names}, who

    # Reads

    @needs('list', 'detail')
    def test_every_reader_lists_and_reads_the_records(self, make_user):
        records = [self.make(1), self.make(2)]
        for who in self.readers:
            client = self.client_of(make_user, who)
            _count, rows = self.listed(client)
            for record in records:
                row = self.row_of(rows, record)
                assert row is not None, f'{who} does not see {record} in the list'
                self.assert_shows(row, record, every_field=False, who=who)
                response = client.get(self.detail_url(record))
                assert response.status_code == 200, (who, response.content)
                assert response.json()[self.identity] == self.key(record), who
                self.assert_shows(response.json(), record, every_field=True, who=who)

    @needs('list', 'detail')
    def test_the_detail_agrees_with_the_list_row(self, make_user):
        record = self.make(1)
        client = self.client_of(make_user, self.readers[0])
        row = self.row_of(self.listed(client)[1], record)
        assert row is not None, f'{record} is not listed'
        detail = client.get(self.detail_url(record)).json()
        assert {name: detail.get(name) for name in row} == row

    @needs('detail')
    def test_an_unknown_record_is_a_404_in_the_error_shape(self, make_user):
        self.make(1)
        url = reverse(f'{self.basename}-detail', args=['no-such-record'])
        response = self.client_of(make_user, self.readers[0]).get(url)
        assert (response.status_code, response.json()['error']['status']) == (404, 404)

    @needs('list')
    def test_the_list_takes_as_many_queries_for_many_rows_as_for_one(self, make_user):
        self.make(1)
        clients = {who: self.client_of(make_user, who) for who in self.readers}

        def queries(client) -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(self.list_url()).status_code == 200
            return len(captured.captured_queries)

        for client in clients.values():
            client.get(self.list_url())  # caches filled once (content types…) are not rows
        one = {who: queries(client) for who, client in clients.items()}
        for number in range(2, 12):
            self.make(number)
        assert {who: queries(client) for who, client in clients.items()} == one

    @applies_if(lambda cls: 'list' in cls.methods and cls.filters)
    def test_each_filter_answers_the_records_it_selects(self, make_user):
        made = {number: self.make(number) for number in range(1, self.filter_rows + 1)}
        client = self.client_of(make_user, self.readers[0])
        for query, numbers in self.filters:
            rows = self.listed(client, query)[1]
            assert [row[self.identity] for row in rows] == [self.key(made[n]) for n in numbers], query

    @applies_if(lambda cls: 'list' in cls.methods and cls.make_restricted is not ReadOnlyAPICases.make_restricted)
    def test_restricted_data_never_leaks_in_lists_counts_and_details(self, make_user):
        self.make(1)
        cases = self.make_restricted()
        assert cases, 'make_restricted made no restricted data'
        for case in cases:
            records = {*case.records, *(record for record, _name in case.counts)}
            reader = self._read(self.client_of(make_user, case.reader), records)
            insider = self._read(self.client_of(make_user, case.insider), records)
            where = f'{case.reader} (beside {case.insider})'
            hidden = {self.key(record) for record in case.records}
            assert not hidden & {row[self.identity] for row in reader['rows']}, f'{where}: a hidden record is listed'
            assert hidden <= {row[self.identity] for row in insider['rows']}, f'{where}: the insider misses one'
            assert reader['count'] == insider['count'] - len(hidden), f'{where}: the count includes a hidden record'
            for record in case.records:
                key = self.key(record)
                assert (reader['details'][key].status_code, insider['details'][key].status_code) == (404, 200), where
            for text in case.texts:
                assert not any(text in body for body in reader['bodies']), f'{where} is shown {text!r}'
                assert any(text in body for body in insider['bodies']), f'{where}: the insider is not shown {text!r}'
            for (record, name), expected in case.counts.items():
                values = (self._values(reader, record, name), self._values(insider, record, name))
                assert values[0] and values[1], f'{name} is in no answer about {record}'
                assert values == (
                    [expected[0]] * len(values[0]),
                    [expected[1]] * len(values[1]),
                ), f'{where}: {name} of {record}'

    def _read(self, client, records) -> dict:
        """What `client` is answered by the list and by the details of `records`."""
        response = client.get(self.list_url(), {'page_size': Pagination.max_page_size})
        assert response.status_code == 200, response.content
        body = response.json()
        details = {self.key(record): client.get(self.detail_url(record)) for record in records}
        return {
            'count': body['count'] if isinstance(body, dict) else len(body),
            'rows': body['results'] if isinstance(body, dict) else body,
            'details': details,
            'bodies': [response.content.decode(), *(answer.content.decode() for answer in details.values())],
        }

    def _values(self, read: dict, record, name: str) -> list:
        """The value of `name` in the record's list row and detail (a list by its length), where it is."""
        answers = [self.row_of(read['rows'], record) or {}, read['details'][self.key(record)].json()]
        values = [answer[name] for answer in answers if name in answer]
        return [len(value) if isinstance(value, list) else value for value in values]

    @applies_if(lambda cls: not set(WRITES) <= set(cls.methods))
    def test_the_writes_it_lacks_answer_405_and_write_nothing(self, make_user):
        lacking = [method for method in WRITES if method not in self.methods]
        record = self.make(1)
        client = _client(self.user_with(make_user, allow=False))  # every permission of the app
        requests = {
            'create': {'POST': lambda: client.post(self.list_url(), {}, format='json')},
            'update': {
                'PATCH': lambda: client.patch(self.detail_url(record), {}, format='json'),
                'PUT': lambda: client.put(self.detail_url(record), {}, format='json'),
            },
            'delete': {'DELETE': lambda: client.delete(self.detail_url(record))},
        }
        state = table_state(self.model, 'core.ObjectChange')
        answers = {verb: send().status_code for method in lacking for verb, send in requests[method].items()}
        assert answers == dict.fromkeys(answers, 405)
        assert table_state(self.model, 'core.ObjectChange') == state


class APICases(ReadOnlyAPICases):
    """The cases of an endpoint that also creates, updates and deletes (a ModelViewSet); an
    endpoint lacking one of them leaves it out of `methods` (it then answers 405)."""

    methods: tuple[str, ...] = ('list', 'detail', *WRITES)
    create_data: dict
    update_data: dict
    invalid_data: dict
    invalid_fields: set[str] | dict[str, list[str]]  # the refused fields, or the fields with their messages
    also_invalid: tuple[tuple[dict, set[str] | dict[str, list[str]]], ...] = ()  # more (payload, fields)

    def invalid_cases(self) -> list[tuple[dict, set[str] | dict[str, list[str]]]]:
        return [(self.invalid_data, self.invalid_fields), *self.also_invalid]

    @needs('create')
    def test_create_writes_the_record_and_its_change_log_row(self, make_user):
        ObjectChange = apps.get_model('core.ObjectChange')
        before = self.model_class._default_manager.count()
        response = _client(self.user_with(make_user, self.codename('add'))).post(
            self.list_url(), self.create_data, format='json'
        )
        assert response.status_code == 201, response.content
        assert self.model_class._default_manager.count() == before + 1
        created = self.model_class._default_manager.get(**{self.lookup: response.json()[self.identity]})
        change = ObjectChange.objects.for_record(created).get(action='create')
        assert change.channel == 'api'
        self.assert_shows(response.json(), created, every_field=True)

    @needs('create')
    def test_invalid_input_is_refused_on_its_fields_and_writes_nothing(self, make_user):
        self.make(1)  # a payload may clash with a record
        client = _client(self.user_with(make_user, self.codename('add')))
        for data, fields in self.invalid_cases():
            state = table_state(self.model, 'core.ObjectChange')
            response = client.post(self.list_url(), data, format='json')
            assert response.status_code == 400, (data, response.content)
            refused = response.json()['error']['fields']
            assert (refused if isinstance(fields, dict) else set(refused)) == fields, (data, refused)
            assert table_state(self.model, 'core.ObjectChange') == state, data

    @needs('update')
    def test_update_changes_the_fields_and_logs_the_change(self, make_user):
        ObjectChange = apps.get_model('core.ObjectChange')
        record = self.make(1)
        response = _client(self.user_with(make_user, self.codename('change'))).patch(
            self.detail_url(record), self.update_data, format='json'
        )
        assert response.status_code == 200, response.content
        record.refresh_from_db()
        assert {name: getattr(record, name) for name in self.update_data} == self.update_data
        assert ObjectChange.objects.for_record(record).filter(action='update', channel='api').count() == 1

    @needs('delete')
    def test_delete_removes_the_record_and_logs_it(self, make_user):
        ObjectChange = apps.get_model('core.ObjectChange')
        record = self.make(1)
        response = _client(self.user_with(make_user, self.codename('delete'))).delete(self.detail_url(record))
        assert response.status_code == 204
        assert not self.model_class._default_manager.filter(pk=record.pk).exists()
        assert ObjectChange.objects.for_record(record).filter(action='delete', channel='api').count() == 1

    @applies_if(lambda cls: set(WRITES) & set(cls.methods))
    def test_each_write_needs_its_own_permission(self, make_user):
        """For each write it has: refused (403) to a user holding every other permission of the
        app, and (401) to an anonymous caller, writing nothing."""
        record = self.make(1)
        requests = {
            'add': lambda client: client.post(self.list_url(), self.create_data, format='json'),
            'change': lambda client: client.patch(self.detail_url(record), self.update_data, format='json'),
            'delete': lambda client: client.delete(self.detail_url(record)),
        }
        actions = [action for action, method in ACTIONS.items() if method in self.methods]
        refusing = {
            action: _client(self.user_with(make_user, self.codename(action), allow=False)) for action in actions
        }
        state = table_state(self.model, 'core.ObjectChange')
        answers = {action: (requests[action](refusing[action]).status_code, requests[action](_client()).status_code)
                   for action in actions}  # fmt: skip
        assert answers == dict.fromkeys(actions, (403, 401))
        assert table_state(self.model, 'core.ObjectChange') == state
