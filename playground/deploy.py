"""Serving a class bigger than one process: several ``playground serve``
processes behind nginx, each browser kept on the process that holds its session.

One server process uses one core for everybody's frames (Python runs one
thread at a time), so a department runs one process per core and nginx in
front. A session lives in the memory of the process that created it, so the
page's HTTP request and its websocket must reach the same process: nginx
gives each browser a ``pgroute`` cookie on its first request (a random
request id) and picks the backend by a consistent hash of it, so every later
request of that browser, the websocket included, goes to the same process,
and losing a backend moves only the browsers that were on it.

``playground nginx`` prints the configuration; tests/browser/test_nginx.py
runs it on loopback with Debian's nginx.
"""

from __future__ import annotations

from pathlib import Path

#: The cookie that pins a browser to its backend.
ROUTE_COOKIE = "pgroute"

_TEMPLATE = """\
# NN Playground behind nginx: {n} `playground serve` processes, sticky per browser.
# Start each backend with --allow-websocket-origin {public}
{main}
events {{
    worker_connections 4096;
}}

http {{
    {temp}
    # A browser's first request has no cookie: its route is the request's own id,
    # which is then set as the cookie, so the page and its websocket share a backend.
    map $cookie_{cookie} $pg_route {{
        ""      $request_id;
        default $cookie_{cookie};
    }}
    map $http_upgrade $pg_connection {{
        default upgrade;
        ""      close;
    }}

    upstream playground {{
        hash $pg_route consistent;
{servers}
    }}

    server {{
        listen {listen};
        server_name {server_name};

        location / {{
            proxy_pass http://playground;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $pg_connection;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;             # frames go out as they are made
            proxy_read_timeout 2h;           # a lecture-long websocket
            proxy_send_timeout 2h;
            client_max_body_size 2m;         # the page's CSV upload is capped at 1 MB
            add_header Set-Cookie "{cookie}=$pg_route; Path=/; HttpOnly; SameSite=Lax" always;
            add_header X-Playground-Backend $upstream_addr always;
        }}
    }}
}}
"""


def nginx_config(
    backends: list[str],
    *,
    listen: str = "80",
    server_name: str = "_",
    public: str | None = None,
    prefix: str | Path | None = None,
) -> str:
    """An nginx configuration spreading browsers over ``backends`` (``host:port``).

    ``prefix`` keeps every file nginx writes (pid, logs, temporary bodies) in
    that directory, so an unprivileged user can run it (the tests do); without
    it the system's defaults apply. ``public`` is the address students type,
    for the comment saying which websocket origin the backends must accept.
    """
    if not backends:
        raise ValueError("at least one backend (host:port) is needed")
    servers = "\n".join(f"        server {b} max_fails=3 fail_timeout=10s;" for b in backends)
    if prefix is not None:
        p = Path(prefix)
        main = f"pid {p / 'nginx.pid'};\nerror_log {p / 'error.log'} warn;\nworker_processes 1;"
        temp = "\n    ".join(
            [f"access_log {p / 'access.log'};"]
            + [
                f"{kind}_temp_path {p / kind};"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ]
        )
    else:
        main, temp = "worker_processes auto;", "access_log off;"
    return _TEMPLATE.format(
        n=len(backends),
        public=public or _public(server_name, listen),
        main=main,
        temp=temp,
        cookie=ROUTE_COOKIE,
        servers=servers,
        listen=listen,
        server_name=server_name,
    )


def backend_addresses(count: int, first_port: int = 5006, host: str = "127.0.0.1") -> list[str]:
    """``count`` backends on consecutive ports from ``first_port``."""
    if not 1 <= count <= 64:
        raise ValueError(f"backends must be from 1 to 64, got {count}")
    if not 1 <= first_port <= 65535 - count:
        raise ValueError(f"ports {first_port}..{first_port + count - 1} are out of range")
    return [f"{host}:{first_port + i}" for i in range(count)]


def _public(server_name: str, listen: str) -> str:
    """The address students type, as a websocket origin (host:port)."""
    host = "HOST" if server_name in ("_", "") else server_name.split()[0]
    port = listen.rsplit(":", 1)[-1].split()[0]
    return f"{host}:{port}"
