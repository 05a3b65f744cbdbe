"""`make bench`'s two-server run: two gunicorn servers on two ports against one PostgreSQL
database and the shared cache, as behind a load balancer.

It measures requests per second for the trivial page and for the main pages with
requests spread over both servers (wrk when it is installed, one per server at once; else
a Python load generator: keep-alive connections on threads, alternating between the
servers; the ratios matter, not the absolute numbers),
counts errors, and shows that what must be one thing across servers is one thing: the
API rate limit (DRF throttling, counted in the cache), the sign-in lock-out (django-axes,
in the database) and the cached dashboard (rendered on one server, read on the other).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2
CONNECTIONS = 6
API_RATE = "10/minute"
AXES_LIMIT = 3

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from axes.utils import reset
cache.clear()
reset()
User = get_user_model()
admin, _ = User.objects.get_or_create(username="bench-admin",
                                      defaults={"is_superuser": True, "is_staff": True})
session = SessionStore()
session["_auth_user_id"] = str(admin.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = admin.get_session_auth_hash()
session.create()
token, _ = Token.objects.get_or_create(user=admin)
print(json.dumps({"session": session.session_key, "token": token.key}))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, headers=None, body=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    cookies = response.headers.get_all("Set-Cookie") or []
    connection.close()
    return response.status, data, cookies


def wait_for(port: int) -> None:
    for _ in range(120):
        try:
            request(port, "GET", "/accounts/login/", timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def load(ports, path, headers, seconds) -> dict:
    """Requests per second over `CONNECTIONS` keep-alive connections alternating between
    the servers, for `seconds`."""
    counts = {"requests": 0, "errors": 0, "by_port": [0, 0]}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        port = ports[i % 2]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        done = errors = 0
        while time.monotonic() < stop:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            done += 1
        with lock:
            counts["requests"] += done
            counts["errors"] += errors
            counts["by_port"][i % 2] += done

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts["per_second"] = counts["requests"] / (time.monotonic() - started)
    return counts


WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_TOTAL = re.compile(r"(\d+) requests in")
WRK_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def load_wrk(ports, path, headers, seconds) -> dict:
    """The same load with wrk (C, one thread per server, `CONNECTIONS` keep-alive
    connections shared between the two servers), so the load generator takes next to no
    CPU from the servers: each server gets its own wrk at the same time, and the rates
    are added."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    wrk = shutil.which("wrk") or "wrk"
    runs = [
        subprocess.Popen(  # noqa: S603 - wrk, with our own arguments
            [
                wrk,
                "-t1",
                f"-c{CONNECTIONS // 2}",
                f"-d{seconds}s",
                "--timeout",
                "120s",
                *header_args,
                f"http://127.0.0.1:{port}{path}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for port in ports
    ]
    counts = {"requests": 0, "errors": 0, "by_port": [0, 0], "per_second": 0.0}
    for i, run in enumerate(runs):
        out = run.communicate()[0]
        rate, total = WRK_RATE.search(out), WRK_TOTAL.search(out)
        if rate is None or total is None:
            raise RuntimeError(f"wrk printed no rate:\n{out}")
        counts["per_second"] += float(rate.group(1))
        counts["requests"] += int(total.group(1))
        counts["by_port"][i] = int(total.group(1))
        bad, socket_errors = WRK_BAD.search(out), WRK_SOCKET.search(out)
        counts["errors"] += (int(bad.group(1)) if bad else 0) + (
            sum(map(int, socket_errors.groups())) if socket_errors else 0
        )
    return counts


def check_api(ports, token) -> dict:
    sent, ok, limited = 15, 0, 0
    for i in range(sent):
        status, _, _ = request(
            ports[i % 2], "GET", "/api/v1/plans/?page_size=1",
            headers={"Authorization": f"Token {token}"},
        )  # fmt: skip
        ok += status == 200
        limited += status == 429
    allowed = int(API_RATE.split("/")[0])
    return {"rate": API_RATE, "sent": sent, "ok": ok, "limited": limited,
            "shared": ok == allowed and limited == sent - allowed}  # fmt: skip


def check_axes(ports) -> dict:
    status, page, cookies = request(ports[0], "GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
    locked_at = None
    for attempt in range(1, AXES_LIMIT + 3):
        body = urlencode({"csrfmiddlewaretoken": token, "username": "bench-lockout",
                          "password": f"wrong-{attempt}"})  # fmt: skip
        status, page, _ = request(
            ports[attempt % 2], "POST", "/accounts/login/",
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                     "Referer": f"http://127.0.0.1:{ports[attempt % 2]}/accounts/login/"},
            body=body,
        )  # fmt: skip
        if status in (403, 429) and b"csrf" not in page.lower()[:2000]:
            locked_at = attempt
            break
    return {"limit": AXES_LIMIT, "locked_at": locked_at,
            "shared": locked_at is not None and locked_at <= AXES_LIMIT + 1}  # fmt: skip


def cached_rows(env) -> int:
    import dj_database_url
    import psycopg2

    c = dj_database_url.parse(env["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname=c["NAME"],
        user=c.get("USER") or None,
        host=c.get("HOST") or None,
        port=c.get("PORT") or None,
    )
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracker_cache WHERE cache_key LIKE %s",
                       ["%dashboard-row%"])  # fmt: skip
        n = cursor.fetchone()[0]
    connection.close()
    return n


def two_servers(env: dict, *, seconds: int = 10) -> dict:
    env = {**env, "API_RATE_PER_USER": API_RATE, "AXES_FAILURE_LIMIT": str(AXES_LIMIT),
           "CACHE_URL": env.get("CACHE_URL", "")}  # fmt: skip
    setup = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    secrets = json.loads(setup.stdout.strip().splitlines()[-1])
    ports = [free_port(), free_port()]
    servers = []
    logs = []
    try:
        for port in ports:
            out = open(f"/tmp/bench-gunicorn-{port}.log", "w")  # noqa: SIM115, S108
            logs.append(out)
            servers.append(
                subprocess.Popen(  # noqa: S603 - our own command
                    [
                        str(GUNICORN),
                        "config.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(WORKERS),
                        "--timeout",
                        "300",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        for port in ports:
            wait_for(port)
        log(f"Two gunicorn servers on ports {ports}")
        signed_in = {"Cookie": f"sessionid={secrets['session']}"}

        # One server renders and caches the dashboard; the other reads it.
        started = time.perf_counter()
        assert request(ports[0], "GET", "/dashboard/", signed_in)[0] == 200
        first_ms = (time.perf_counter() - started) * 1000
        rows = cached_rows(env)
        started = time.perf_counter()
        assert request(ports[1], "GET", "/dashboard/", signed_in)[0] == 200
        second_ms = (time.perf_counter() - started) * 1000
        shared_cache = {"first_ms": first_ms, "second_ms": second_ms,
                        "shared": rows > 0 and cached_rows(env) == rows}  # fmt: skip

        rates = {}
        # wrk when installed (it takes next to no CPU from the servers on a 2-core
        # machine); else the Python load generator (whose parsing of each response
        # competes with the servers, so it understates pages larger than the trivial one).
        use_wrk = shutil.which("wrk") is not None
        tool = "wrk" if use_wrk else "Python load generator (wrk not installed)"
        for key, path, headers in [
            ("trivial page", "/accounts/login/", {}),
            ("dashboard (cached)", "/dashboard/", signed_in),
            ("plans list", "/plans/", signed_in),
            ("action table, off track, by due date", "/actions/?status=off_track&sort=due_date",
             signed_in),
        ]:  # fmt: skip
            log(f"Load: {key} for {seconds} s over both servers")
            rates[key] = (load_wrk if use_wrk else load)(ports, path, headers, seconds)
        api = check_api(ports, secrets["token"])
        axes = check_axes(ports)
        cache = "Redis" if env.get("CACHE_URL", "").startswith("redis") else "database table"
        return {"ports": ports, "workers": WORKERS, "connections": CONNECTIONS,
                "seconds": seconds, "tool": tool, "rates": rates, "api": api, "axes": axes,
                "shared_cache": shared_cache, "cache": cache, "load": os.getloadavg()}  # fmt: skip
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        for out in logs:
            out.close()
        subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "manage.py", "axes_reset"], env=env, cwd=ROOT,
            capture_output=True, check=False,
        )  # fmt: skip
