"""gunicorn settings of Hamkor (`make serve` passes this file; the bind address and the number of
workers come from its command line). Any setting can be overridden for one deployment with
GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--max-requests 500".
"""

import os
from pathlib import Path

import gunicorn.http.wsgi

# Threads in each worker process: a request that waits (for SQLite's write lock while other
# writers commit, for PostgreSQL, for a slow client) holds one thread, not a whole worker, so the
# readers of cached pages are served while writers queue. HAMKOR_THREADS sets how many.
worker_class = 'gthread'
threads = int(os.environ.get('HAMKOR_THREADS', '4') or 1)

# Recycle each worker after about ten thousand requests: memory a request left behind (a large
# workbook read into memory, say) is given back, and the jitter keeps the workers from
# restarting all at once. The application is loaded once, in the master, and a recycled worker
# is a fork of it, not a new interpreter importing Django and the analytics libraries. A restart
# still costs its first requests their caches: at every thousand requests it was a third of the
# servers' throughput under load (docs/performance.md).
max_requests = 10000
max_requests_jitter = 1000
preload_app = True

# The control socket (gunicornc) of this instance, inside its own data directory (0700), not at
# gunicorn's default ~/.gunicorn/gunicorn.ctl, which every instance run by the same user would
# share: the last one started would take it over, and a command meant for one instance would
# reach another. A path too long for a Unix socket turns it off.
_data_dir = Path(os.environ.get('HAMKOR_DATA_DIR') or Path(__file__).resolve().parent / 'var').resolve()
_control_socket = _data_dir / 'run' / 'gunicorn.ctl'
if len(os.fsencode(_control_socket)) < 100:
    control_socket = str(_control_socket)
else:
    control_socket_disable = True


# No "Server: gunicorn" header: the response does not name the server software (gunicorn has no
# setting for it, so its response class is given one that leaves the header out).
def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith('server:')]

    headers.without_server_header = True
    return headers


if not getattr(gunicorn.http.wsgi.Response.default_headers, 'without_server_header', False):
    gunicorn.http.wsgi.Response.default_headers = _without_server_header(gunicorn.http.wsgi.Response.default_headers)


# The job worker (hamkor run-jobs: imports and other long work, docs/adr/0010) runs beside the
# web server as a child of gunicorn's master: started once the server is ready, started again
# should it die (kill -9, out of memory), stopped when the server stops; should the master be
# killed outright, the worker notices that its parent is gone and stops. HAMKOR_JOB_WORKERS sets
# how many (default 1; 0 when the workers run as a service of their own).
_job_workers: dict = {}  # slot number → its process
_job_workers_stopping = None


def _start_job_worker(server, slot: int) -> None:
    import subprocess
    import sys

    manage = Path(__file__).resolve().parent / 'src' / 'manage.py'
    command = [sys.executable, str(manage), 'run_jobs', '--parent-pid', str(os.getpid())]
    _job_workers[slot] = subprocess.Popen(command)
    server.log.info('Started job worker %s (pid %s)', slot, _job_workers[slot].pid)


def _watch_job_workers(server, stopping) -> None:
    while not stopping.wait(5):
        for slot, process in list(_job_workers.items()):
            if process.poll() is not None and not stopping.is_set():
                server.log.warning('Job worker %s (pid %s) ended with %s', slot, process.pid, process.returncode)
                _start_job_worker(server, slot)


def when_ready(server):
    import threading

    from django.db import connections

    # The master forks the workers from here on: no connection it might have opened while loading
    # the application may be inherited (two processes on one socket).
    connections.close_all()

    global _job_workers_stopping
    count = int(os.environ.get('HAMKOR_JOB_WORKERS', '1') or 0)
    for slot in range(count):
        _start_job_worker(server, slot)
    if count:
        _job_workers_stopping = threading.Event()
        threading.Thread(target=_watch_job_workers, args=(server, _job_workers_stopping), daemon=True).start()


def on_exit(server):
    import subprocess

    if _job_workers_stopping is not None:
        _job_workers_stopping.set()
    for process in _job_workers.values():
        if process.poll() is None:
            process.terminate()
    for slot, process in _job_workers.items():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.log.info('Stopped job worker %s (pid %s)', slot, process.pid)
    _job_workers.clear()
