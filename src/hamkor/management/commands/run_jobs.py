"""`hamkor run-jobs`: the worker that runs queued jobs (hamkor.jobs) until it is stopped.

gunicorn.conf.py starts one beside the web server and stops it with the server; a deployment
that runs its workers on their own (a systemd unit, say) starts as many as it wants: they share
the queue without running a job twice. SIGTERM or SIGINT stops the worker: a job running then is
cancelled — its transaction rolls back — and marked failed, to be started again. With
--parent-pid the worker also stops when that process is gone (the server was killed)."""

import os
import signal
import threading

from django.core.management.base import BaseCommand

from hamkor import jobs


class Command(BaseCommand):
    help = 'Run queued jobs (imports, large exports) until stopped.'

    def add_arguments(self, parser):
        parser.add_argument('--once', action='store_true', help='run the queued jobs, then exit')
        parser.add_argument('--poll', type=float, default=jobs.POLL_SECONDS, help='seconds between looks at the queue')
        parser.add_argument('--parent-pid', type=int, help='stop when this process (the web server) is gone')

    def handle(self, *args, once=False, poll=jobs.POLL_SECONDS, parent_pid=None, verbosity=1, **options):
        stop = threading.Event()

        def stopping(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        if parent_pid:
            threading.Thread(target=self._watch_parent, args=(parent_pid, stop), daemon=True).start()
        name = jobs.worker_name()
        if verbosity:
            self.stdout.write(f'job worker {name} started')
        jobs.load_tasks()
        ran = jobs.work(worker=name, once=once, stop=stop, poll=poll)
        if verbosity:
            self.stdout.write(f'job worker {name} stopped after {ran} job(s)')

    @staticmethod
    def _watch_parent(parent_pid: int, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent_pid:
                stop.set()
