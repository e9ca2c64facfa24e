"""Benchmark: the three busiest pages under load, with writers at the same time.

Usage:
    .venv/bin/python bench/load.py                          # 20 s per page, 50 readers, 20 writers
    .venv/bin/python bench/load.py --seconds 10 --writers 20 --write-pause 0.5 --port 8150

It sets up a data directory in a temporary folder the way `make run` does (migrate, collect the
static files, load the reference data, the demo and the trade products), starts the production
server as `make serve` does (gunicorn with gunicorn.conf.py, WORKERS=3 unless --workers says
otherwise) on a port in 8100–8199, and then, for each of `/`, `/portfolio/` and `/trade/` in
turn, drives it for a bounded time with 50 concurrent anonymous readers of the page (each a
HTTP/1.1 client on asyncio that opens a connection per request, as a browser of a new visitor does)
and, throughout, 20 concurrent writers: each renames a demo project through the API
(PATCH /api/projects/<id>/ with the secretariat's token) and then pauses --write-pause
seconds. A rename is a write to a project, which the portfolio page model depends on: every
write invalidates it, so the portfolio figures are read under continuous invalidation.

Requirement: each page ≥ 150 req/s with p95 < 300 ms at 50 connections, 0 errors, with the
writers running. Prints, per page, req/s, p50, p95, p99 and errors, the writers' rate and
errors, the load average (1 min) before and after the page's run, and the ratio against the
floor (req/s ÷ 150, 300 ms ÷ p95: both ≥ 1 meet it).
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / '.venv' / 'bin'
PAGES = ('/', '/portfolio/', '/trade/')
FLOOR_RPS = 150
FLOOR_P95_MS = 300
HOST = '127.0.0.1'


#
# Setup: a data directory as `make run` makes it, and the production server
#


def run(command: list[str], env: dict) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def setup_data(env: dict) -> None:
    hamkor = str(BIN / 'hamkor')
    run([hamkor, 'migrate', '--no-input', '--verbosity', '0'], env)
    run([hamkor, 'collectstatic', '--no-input', '--verbosity', '0'], env)
    run([hamkor, 'load-reference'], env)
    run([hamkor, 'load-demo'], env)
    run([hamkor, 'demo', 'trade-products'], env)


WRITER_SETUP = """
import json
import django
django.setup()
from rest_framework.authtoken.models import Token
from accounts.models import User
from portfolio.models import Project
user = User.objects.get(username='secretariat')
token, _ = Token.objects.get_or_create(user=user)
projects = list(Project.objects.visible_to(user).order_by('pk').values_list('pk', 'title_en'))
print(json.dumps({'token': token.key, 'projects': projects}))
"""


def writer_setup(env: dict) -> dict:
    output = subprocess.run(
        [str(BIN / 'python'), '-c', WRITER_SETUP],
        cwd=ROOT / 'src',
        env={**env, 'DJANGO_SETTINGS_MODULE': 'hamkor.settings'},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def free_port(first: int) -> int:
    for port in range(first, 8200):
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) != 0:
                return port
    raise SystemExit('no free port in 8100–8199')


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(BIN / 'gunicorn'), 'hamkor.wsgi', '--config', 'gunicorn.conf.py', '--chdir', 'src',
        '--bind', f'{HOST}:{port}', '--workers', str(workers),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, _body = asyncio.run(request(port, 'GET', '/'))
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit('the server did not answer within 60 s')


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


#
# Load: a minimal HTTP/1.1 client (one connection per request)
#


async def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes = b''):
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        lines = [f'{method} {path} HTTP/1.1', f'Host: {HOST}:{port}', 'Connection: close']
        lines += [f'{name}: {value}' for name, value in (headers or {}).items()]
        if body:
            lines.append(f'Content-Length: {len(body)}')
        writer.write(('\r\n'.join(lines) + '\r\n\r\n').encode() + body)
        await writer.drain()
        response = await reader.read()
    finally:
        writer.close()
    head, _separator, content = response.partition(b'\r\n\r\n')
    status = int(head.split(b' ', 2)[1]) if head.startswith(b'HTTP/') else 0
    return status, content


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error = ''


async def reader_loop(port: int, path: str, until: float, tally: Tally) -> None:
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            status, content = await request(port, 'GET', path)
            ok = status == 200 and content.rstrip().endswith(b'</html>')
        except OSError as error:
            ok, status = False, repr(error)
        if ok:
            tally.latencies.append(time.perf_counter() - start)
        else:
            tally.errors += 1
            tally.first_error = tally.first_error or f'GET {path}: {status}'


async def writer_loop(port: int, setup: dict, index: int, until: float, pause: float, tally: Tally) -> None:
    projects = setup['projects']
    headers = {'Authorization': f'Token {setup["token"]}', 'Content-Type': 'application/json'}
    count = 0
    while time.perf_counter() < until:
        pk, title = projects[(index + count * len(projects) // 7) % len(projects)]
        count += 1
        body = json.dumps({'title_en': f'{title} ({index}.{count})'}).encode()
        start = time.perf_counter()
        try:
            status, content = await request(port, 'PATCH', f'/api/projects/{pk}/', headers, body)
        except OSError as error:
            status, content = repr(error), b''
        if status == 200:
            tally.latencies.append(time.perf_counter() - start)
        else:
            tally.errors += 1
            tally.first_error = tally.first_error or f'PATCH {pk}: {status} {content[:200]!r}'
        await asyncio.sleep(pause)


async def drive(port: int, path: str, args, setup: dict) -> tuple[Tally, Tally, float]:
    readers, writers = Tally(), Tally()
    start = time.perf_counter()
    until = start + args.seconds
    tasks = [reader_loop(port, path, until, readers) for _ in range(args.connections)]
    tasks += [writer_loop(port, setup, index, until, args.write_pause, writers) for index in range(args.writers)]
    await asyncio.gather(*tasks)
    return readers, writers, time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float('nan')
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--seconds', type=float, default=20, help='load time per page')
    parser.add_argument('--connections', type=int, default=50, help='concurrent readers')
    parser.add_argument('--writers', type=int, default=20, help='concurrent writers')
    parser.add_argument('--write-pause', type=float, default=1.0, help='seconds each writer waits between writes')
    parser.add_argument('--workers', type=int, default=3, help="gunicorn workers (the Makefile's WORKERS)")
    parser.add_argument('--port', type=int, default=8100)
    parser.add_argument('--keep', action='store_true', help='keep the data directory')
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix='hamkor-bench-load-')
    env = {key: value for key, value in os.environ.items() if key not in ('DATABASE_URL', 'DJANGO_SETTINGS_MODULE')}
    env['HAMKOR_DATA_DIR'] = scratch
    print(f'data directory: {scratch}', flush=True)
    server = None
    try:
        started = time.perf_counter()
        setup_data(env)
        setup = writer_setup(env)
        print(f'set up as `make run` does in {time.perf_counter() - started:.0f} s', flush=True)
        port = free_port(args.port)
        server = start_server(env, port, args.workers)
        print(f'gunicorn on {HOST}:{port}, {args.workers} workers; {os.cpu_count()} CPUs', flush=True)
        for path in PAGES:  # the first reader of each page after start-up computes it
            asyncio.run(request(port, 'GET', path))
        results = []
        for path in PAGES:
            load_before = os.getloadavg()[0]
            readers, writers, elapsed = asyncio.run(drive(port, path, args, setup))
            results.append((path, readers, writers, elapsed, load_before, os.getloadavg()[0]))
        print_table(results, args)
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f'kept {scratch}')
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def print_table(results, args) -> None:
    print(
        f'\n{args.connections} readers per page for {args.seconds:.0f} s each, with {args.writers} writers '
        f'(pause {args.write_pause:g} s) at the same time'
    )
    header = (
        f'{"page":12} {"req/s":>7} {"p50 ms":>7} {"p95 ms":>7} {"p99 ms":>7} {"errors":>6} '
        f'{"writes/s":>8} {"w. p95":>7} {"w. err":>6} {"load":>11} {"rps/150":>7} {"300/p95":>7}  verdict'
    )
    print(header)
    print('-' * len(header))
    for path, readers, writers, elapsed, load_before, load_after in results:
        rps = len(readers.latencies) / elapsed
        p50, p95, p99 = (percentile(readers.latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
        ok = rps >= FLOOR_RPS and p95 < FLOOR_P95_MS and readers.errors == 0 and writers.errors == 0
        print(
            f'{path:12} {rps:7.1f} {p50:7.1f} {p95:7.1f} {p99:7.1f} {readers.errors:6d} '
            f'{len(writers.latencies) / elapsed:8.1f} {percentile(writers.latencies, 0.95) * 1000:7.1f} '
            f'{writers.errors:6d} {load_before:5.2f}→{load_after:<5.2f} {rps / FLOOR_RPS:7.2f} '
            f'{FLOOR_P95_MS / p95:7.2f}  {"PASS" if ok else "FAIL"}'
        )
        for tally in (readers, writers):
            if tally.first_error:
                print(f'  first error: {tally.first_error}')


if __name__ == '__main__':
    main()
