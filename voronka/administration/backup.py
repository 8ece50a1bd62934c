"""Backup and restore: one archive (tar.gz) with the database, the media files and a
manifest of checksums.

- The database: SQLite through its online backup API (a consistent copy while the site
  runs), PostgreSQL through `pg_dump --format=custom` (restored with `pg_restore`).
- The media folder (attachments, documents, letters' files) as it is.
- manifest.json: the SHA-256 of every member, and per table a count and checksum of its rows
  read through Django, so a restore proves it brought back the same data, not just the same
  bytes.

`restore` refuses an installation that is not empty (tables with rows, or media files), checks
every member against the manifest before touching anything, loads, and compares the tables'
checksums after.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _models():
    return sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.managed),
        key=lambda m: m._meta.db_table,
    )


def table_checksums() -> dict[str, dict]:
    """Per table: rows and a SHA-256 of the rows in key order, read through Django (so the
    same data gives the same sums on SQLite and PostgreSQL). The cache table and the Huey
    queue are not data."""
    tables = set(connection.introspection.table_names())
    sums: dict[str, dict] = {}
    for model in _models():
        table = model._meta.db_table
        if table not in tables:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        count = 0
        rows = model._base_manager.order_by(model._meta.pk.attname).values_list(*columns)
        for row in rows.iterator(chunk_size=2000):
            digest.update(repr(tuple(_stable(v) for v in row)).encode())
            count += 1
        sums[table] = {"rows": count, "sha256": digest.hexdigest()}
    return sums


def _stable(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, memoryview):
        return bytes(value)
    return str(value) if value is not None else None


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client (apt-get install "
            "postgresql-client) of the server's major version."
        )
    return found


def _dump_database(folder: Path) -> str:
    if connection.vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        target = folder / PG_MEMBER
        # The PostgreSQL client's own tool, with arguments from the settings (no user input).
        done = subprocess.run(  # noqa: S603
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "--file",
                target,
                *args,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return PG_MEMBER
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def create_backup(target: Path | str) -> Path:
    """Write one archive to `target` (a file, or a folder to put a dated file in)."""
    target = Path(target)
    if target.is_dir():
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = target / f"voronka-{stamp}.tar.gz"
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = _dump_database(folder)
        files = {database: _sha256_file(folder / database)}
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for path in media_files:
            files[MEDIA_PREFIX + path.relative_to(media).as_posix()] = _sha256_file(path)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": database,
            "files": files,
            "tables": table_checksums(),
        }
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
            archive.add(folder / database, arcname=database)
            for path in media_files:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(media).as_posix())
        partial.replace(target)
    return target


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name.strip() == name


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("The archive has no manifest: it is not a Voronka backup.") from None
    manifest = json.loads(archive.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise BackupError("The archive is of an unknown format.")
    return manifest


def verify(path: Path | str) -> dict:
    """Every member against the manifest: the manifest, or BackupError with what differs."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = read_manifest(archive)
        expected = dict(manifest["files"])
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not _safe_name(member.name):
                raise BackupError(f"The archive holds an unexpected entry: {member.name}")
            if member.name not in expected:
                raise BackupError(f"{member.name} is not in the manifest.")
            digest = hashlib.sha256()
            handle = archive.extractfile(member)
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
            if digest.hexdigest() != expected.pop(member.name):
                raise BackupError(f"{member.name} does not match its checksum.")
        if expected:
            raise BackupError(f"Missing from the archive: {', '.join(sorted(expected))}")
    return manifest


def _installation_is_empty() -> list[str]:
    """What makes this installation not empty: users, records, media files. (What the
    migrations put in — roles, units, VAT rates — does not count: the archive's replace it.)"""
    found = []
    tables = set(connection.introspection.table_names())
    for label in (
        "accounts.user",
        "contacts.company",
        "contacts.contact",
        "sales.deal",
        "leads.lead",
        "activities.activity",
    ):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.exists():
            found.append(model._meta.db_table)
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        found.append(str(media))
    return found


def _drop_everything() -> None:
    """An empty installation may have its tables (after `migrate`): the archive's schema
    replaces them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')  # names from the schema itself
        cursor.execute("PRAGMA foreign_keys = ON")


def restore_backup(path: Path | str) -> dict:
    """Bring an archive back into an empty installation; returns the manifest."""
    manifest = verify(path)
    engine = manifest["engine"]
    if engine != connection.vendor:
        raise BackupError(
            f"The archive holds a {engine} database; this installation uses {connection.vendor}."
        )
    busy = _installation_is_empty()
    if busy:
        raise BackupError(
            "Restore needs an empty installation; this one has data in: " + ", ".join(busy[:10])
        )
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:gz") as archive:
        folder = Path(scratch)
        database = manifest["database"]
        archive.extract(database, folder, filter="data")
        _drop_everything()
        if engine == "sqlite":
            source = sqlite3.connect(folder / database)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            args, env = _pg_env()
            done = subprocess.run(  # noqa: S603
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    *args,
                    str(folder / database),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        for member in archive.getmembers():
            if member.name.startswith(MEDIA_PREFIX):
                member = member.replace(name=member.name[len(MEDIA_PREFIX) :])
                archive.extract(member, media, filter="data")
    connection.close()
    after = table_checksums()
    differ = [table for table, sums in manifest["tables"].items() if after.get(table) != sums]
    if differ:
        raise BackupError("Restored, but these tables differ from the backup: " + ", ".join(differ))
    return manifest


def prune(folder: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` archives of the folder; returns those removed."""
    archives = sorted(folder.glob("voronka-*.tar.gz"), key=lambda p: p.name, reverse=True)
    removed = archives[keep:]
    for path in removed:
        path.unlink()
    return removed


def scheduled_backup() -> str:
    """The nightly job: an archive into VORONKA["BACKUP_DIR"] (nothing when empty), keeping
    the newest VORONKA["BACKUP_KEEP"]."""
    folder = settings.VORONKA.get("BACKUP_DIR") or ""
    if not folder:
        return ""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = create_backup(folder)
    prune(folder, max(1, int(settings.VORONKA.get("BACKUP_KEEP", 7))))
    return str(path)
