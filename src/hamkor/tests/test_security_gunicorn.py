"""gunicorn as `make serve` runs it (gunicorn.conf.py): no Server header, threaded workers forked
from the loaded application and recycled, and a control socket of each instance's own inside its data directory."""

import http.client
import os
import runpy
import socket
import stat
import subprocess
import sys
import time

import pytest
from django.conf import settings

CONFIG = settings.PROJECT_DIR / 'gunicorn.conf.py'
GUNICORN = [sys.executable, '-m', 'gunicorn']
APP = """
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok']
"""


def config(monkeypatch, data_dir) -> dict:
    monkeypatch.setenv('HAMKOR_DATA_DIR', str(data_dir))
    return runpy.run_path(str(CONFIG))


def test_workers_are_recycled_with_jitter_as_forks_of_the_loaded_application(monkeypatch, tmp_path):
    values = config(monkeypatch, tmp_path)

    assert (values['max_requests'], values['max_requests_jitter'], values['preload_app']) == (10000, 1000, True)


def test_each_worker_serves_with_threads_that_the_environment_sets(monkeypatch, tmp_path):
    monkeypatch.delenv('HAMKOR_THREADS', raising=False)
    default = config(monkeypatch, tmp_path)
    monkeypatch.setenv('HAMKOR_THREADS', '16')

    assert (default['worker_class'], default['threads'], config(monkeypatch, tmp_path)['threads']) == ('gthread', 4, 16)


def test_each_instance_has_its_control_socket_in_its_own_data_directory(monkeypatch, tmp_path):
    first, second = config(monkeypatch, tmp_path / 'a'), config(monkeypatch, tmp_path / 'b')

    assert (first['control_socket'], second['control_socket']) == (
        str(tmp_path / 'a' / 'run' / 'gunicorn.ctl'),
        str(tmp_path / 'b' / 'run' / 'gunicorn.ctl'),
    )


def test_a_data_directory_too_deep_for_a_unix_socket_turns_the_control_socket_off(monkeypatch, tmp_path):
    values = config(monkeypatch, tmp_path / ('d' * 120))

    assert (values.get('control_socket'), values.get('control_socket_disable')) == (None, True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """gunicorn with the project's configuration serving a one-line application."""
    (tmp_path / 'app.py').write_text(APP)
    port, data = free_port(), tmp_path / 'data'
    env = os.environ | {'HAMKOR_DATA_DIR': str(data)}
    server = subprocess.Popen(
        [*GUNICORN, '--config', str(CONFIG), '--chdir', str(tmp_path), '--bind', f'127.0.0.1:{port}', '--workers', '1',
         'app:application'],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):  # up to 30 s: a loaded machine starts gunicorn slowly
            try:
                socket.create_connection(('127.0.0.1', port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, data
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_responses_do_not_name_the_server_and_the_control_socket_is_private(served):
    port, data = served
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    connection.request('GET', '/')
    response = connection.getresponse()

    assert (response.status, response.read()) == (200, b'ok')
    assert response.getheader('Server') is None
    assert response.getheader('Date') is not None  # gunicorn's other headers are still sent
    control = data / 'run' / 'gunicorn.ctl'
    for _ in range(300):  # the arbiter opens it once its workers are up (up to 30 s)
        if control.exists():
            break
        time.sleep(0.1)
    assert stat.S_ISSOCK(control.stat().st_mode)
    assert (stat.S_IMODE(control.stat().st_mode), stat.S_IMODE(control.parent.stat().st_mode)) == (0o600, 0o700)
