"""The test database is migrated once and copied for each test worker.

Migrating from nothing costs about 19 s of CPU (33 migrations, several of them data
migrations, and django-simple-history's shadow tables). With one worker per core every
worker used to pay it at the start of each run. Instead the first worker to get here
migrates a template under a file lock, in a child process with the same settings, and
every worker copies it: PostgreSQL by ``CREATE DATABASE ... TEMPLATE``, SQLite by copying
a file into memory-backed storage. The template is named after a hash of every installed
app's migrations, so it is rebuilt when a migration changes and reused across runs
otherwise. Each worker still runs ``migrate`` on its copy: with nothing to apply it only
fires ``post_migrate`` (roles kept in step with ``improvement.roles``), which costs well
under a second.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(tempfile.gettempdir()) / "tracker-test-templates"
# SQLite copies live in RAM where there is a tmpfs: tests commit often (live server,
# concurrency, board-pack jobs) and each commit on disk is an fsync.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - files named by pid, removed after the run
COPY_DIR = SHARED_MEMORY if SHARED_MEMORY.is_dir() else TEMPLATE_DIR


def migrations_key() -> str:
    """A short hash of every migration file of every installed app (ours and libraries')."""
    digest = hashlib.sha256()
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        folder = Path(app.path) / "migrations"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def _locked():
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATE_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate_into(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, str(PROJECT_ROOT / "manage.py"), *command],
            check=True,
            env=env,
            cwd=PROJECT_ROOT,
        )


def _postgres_admin_connection(settings_dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def _postgres_url(settings_dict, name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


def prepare_worker_database(worker_id: str) -> None:
    """Make this worker's test database a copy of the migrated template, and point the
    settings at it so that ``setup_databases(keepdb=True)`` finds it ready."""
    settings_dict = settings.DATABASES["default"]
    test_settings = settings_dict.setdefault("TEST", {})
    key = migrations_key()
    suffix = "" if worker_id == "master" else f"_{worker_id}"
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        template = TEMPLATE_DIR / f"tracker-{key}.sqlite3"
        copy = COPY_DIR / f"tracker-test-{os.getpid()}{suffix}.sqlite3"
        with _locked():
            if not template.exists():
                for old in TEMPLATE_DIR.glob("tracker-*.sqlite3"):
                    old.unlink(missing_ok=True)
                building = template.with_suffix(".building")
                building.unlink(missing_ok=True)
                _migrate_into(f"sqlite:///{building}")
                building.rename(template)
        shutil.copyfile(template, copy)
        test_settings["NAME"] = str(copy)
        return

    base_name = settings_dict["NAME"]
    template = f"test_{base_name}_template_{key}"
    copy = test_settings.get("NAME") or f"test_{base_name}{suffix}"
    with _locked():
        admin = _postgres_admin_connection(settings_dict)
        try:
            with admin.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cursor.fetchone() is None:
                    cursor.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE %s",
                        [f"test_{base_name}_template_%"],
                    )
                    for (old,) in cursor.fetchall():
                        cursor.execute(f'DROP DATABASE IF EXISTS "{old}"')
                    cursor.execute(f'CREATE DATABASE "{template}"')
                    try:
                        _migrate_into(_postgres_url(settings_dict, template))
                    except BaseException:
                        cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
                        raise
                cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
                # Cloning takes the template exclusively, hence inside the lock.
                cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
        finally:
            admin.close()
    test_settings["NAME"] = copy


def remove_worker_database(name: str) -> None:
    """Drop this worker's copy, once the tests are done with it (the template stays for
    the next run)."""
    connections["default"].close()
    settings_dict = settings.DATABASES["default"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        Path(name).unlink(missing_ok=True)
        return
    admin = _postgres_admin_connection(settings_dict)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()
