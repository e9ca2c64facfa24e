"""gunicorn settings of Hamkor (`make serve` passes this file; the bind address and the number of
workers come from its command line). Any setting can be overridden for one deployment with
GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--max-requests 500".
"""

import os
from pathlib import Path

import gunicorn.http.wsgi

# Recycle each worker after about a thousand requests: memory a request left behind (a large
# workbook read into memory, say) is given back, and the jitter keeps the workers from
# restarting all at once.
max_requests = 1000
max_requests_jitter = 200

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
