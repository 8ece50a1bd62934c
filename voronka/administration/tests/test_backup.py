"""Acceptance 5: the demo backed up and restored into an empty installation gives the same
tables (row counts and checksums) and the same media files, on SQLite and on PostgreSQL.

The round trips run manage.py in subprocesses against scratch databases of their own (the
test database is not an installation one can back up and empty)."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from voronka.administration import backup

ROOT = Path(settings.BASE_DIR)
PG_SERVER = os.environ.get("BACKUP_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def manage(*args: str, env: dict) -> str:
    done = subprocess.run(  # noqa: S603 (this interpreter running manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def installation(url: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return env | {
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "HUEY_IMMEDIATE": "1",
        "HUEY_SQLITE": str(media.parent / f"huey-{media.name}.sqlite3"),
    }


def files_of(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): backup._sha256_file(p)
        for p in folder.rglob("*")
        if p.is_file()
    }


def round_trip(source: dict, target: dict, tmp_path: Path) -> None:
    manage("migrate", "-v0", env=source)
    manage("load_demo", env=source)
    archive = tmp_path / "demo.tar.gz"
    manage("backup", str(archive), env=source)
    manage("restore", "--check", str(archive), env=source)
    before = json.loads(manage("data_checksums", env=source))
    # An empty installation: migrated, no users, no records, no files.
    manage("migrate", "-v0", env=target)
    out = manage("restore", str(archive), env=target)
    assert "Restored" in out
    after = json.loads(manage("data_checksums", env=target))
    assert after == before
    assert before["contacts_company"]["rows"] > 0
    assert before["documents_attachment"]["rows"] > 0 or before["mail_message"]["rows"] > 0
    source_files = files_of(Path(source["MEDIA_ROOT"]))
    assert source_files
    assert files_of(Path(target["MEDIA_ROOT"])) == source_files
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["tables"] == before
    # Restoring again is refused: the installation is no longer empty.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "empty installation" in done.stderr


def test_the_demo_round_trips_on_sqlite(tmp_path):
    source = installation(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media-source")
    target = installation(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "media-target")
    round_trip(source, target, tmp_path)


def _pg_answers() -> bool:
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def test_the_demo_round_trips_on_postgresql(tmp_path):
    if not _pg_answers():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {PG_SERVER} does not answer, and REQUIRE_POSTGRES=1")
        pytest.skip(
            f"PostgreSQL at {PG_SERVER} does not answer: the PostgreSQL round trip needs it"
        )
    names = [f"voronka_backup_{uuid.uuid4().hex[:10]}_{side}" for side in ("src", "dst")]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        source = installation(f"{PG_SERVER}/{names[0]}", tmp_path / "media-source")
        target = installation(f"{PG_SERVER}/{names[1]}", tmp_path / "media-target")
        round_trip(source, target, tmp_path)
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _archive(tmp_path: Path, members: dict[str, bytes], manifest: dict) -> Path:
    path = tmp_path / "a.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, body in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def test_a_changed_file_is_found_before_anything_is_restored(tmp_path):
    good = backup.hashlib.sha256(b"data").hexdigest()
    manifest = {"format": 1, "files": {"database.sqlite3": good}, "tables": {}}
    backup.verify(_archive(tmp_path, {"database.sqlite3": b"data"}, manifest))
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.verify(_archive(tmp_path, {"database.sqlite3": b"date"}, manifest))


def test_an_entry_outside_the_media_folder_is_refused(tmp_path):
    body = b"x"
    digest = backup.hashlib.sha256(body).hexdigest()
    manifest = {"format": 1, "files": {"media/../../etc/x": digest}, "tables": {}}
    with pytest.raises(backup.BackupError, match="unexpected"):
        backup.verify(_archive(tmp_path, {"media/../../etc/x": body}, manifest))


def test_a_file_missing_from_the_archive_is_found(tmp_path):
    manifest = {"format": 1, "files": {"database.sqlite3": "0" * 64}, "tables": {}}
    with pytest.raises(backup.BackupError, match="Missing"):
        backup.verify(_archive(tmp_path, {}, manifest))


def test_the_nightly_backup_keeps_the_newest(db, settings, tmp_path, monkeypatch):
    # (The test database is an in-memory SQLite inside the test's transaction: the online
    # backup of it would wait for the lock forever. The real dump is the round trips' part.)
    def dump(folder):
        (folder / backup.SQLITE_MEMBER).write_bytes(b"SQLite format 3")
        return backup.SQLITE_MEMBER

    monkeypatch.setattr(backup, "_dump_database", dump)
    folder = tmp_path / "backups"
    settings.VORONKA = {**settings.VORONKA, "BACKUP_DIR": str(folder), "BACKUP_KEEP": 2}
    for stamp in ("20260101-000000", "20260102-000000", "20260103-000000"):
        folder.mkdir(exist_ok=True)
        (folder / f"voronka-{stamp}.tar.gz").write_bytes(b"old")
    path = Path(backup.scheduled_backup())
    assert path.exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [path.name, "voronka-20260103-000000.tar.gz"]
    )
    assert backup.verify(path)["engine"] in ("sqlite", "postgresql")


def test_no_folder_no_nightly_backup(db, settings):
    settings.VORONKA = {**settings.VORONKA, "BACKUP_DIR": ""}
    assert backup.scheduled_backup() == ""
