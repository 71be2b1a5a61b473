"""The db host: its own PostgreSQL cluster (initdb, pg_ctl as the postgres user), listening on the
db namespace's address only, its socket in the run's folder: the machine's PostgreSQL is never
touched."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

from deploy.multihost import net
from deploy.multihost.hosts import STATE, keys

PG_BIN = (
    Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    if glob.glob("/usr/lib/postgresql/*/bin")
    else None
)


def start_db() -> None:
    """A fresh PostgreSQL cluster owned by the postgres user, listening on the db host only."""
    folder = STATE / "db"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    (folder / "sock").mkdir(parents=True)
    pw = folder / "pw"
    pw.write_text(keys()["db"])
    subprocess.run(["chown", "-R", "postgres:postgres", str(folder)], check=True)
    os.chmod(STATE, 0o755)
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        as_pg
        + [
            str(PG_BIN / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    hba = folder / "data" / "pg_hba.conf"
    hba.write_text(hba.read_text() + f"host all all {net.SUBNET}.0/24 scram-sha-256\n")
    options = (
        f"-c listen_addresses={net.ip_of('db')} -c unix_socket_directories={folder / 'sock'} "
        "-c max_connections=200 -c fsync=off"
    )
    subprocess.run(
        net.exec_argv(
            "db",
            as_pg
            + [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-l",
                str(folder / "postgres.log"),
                "-o",
                options,
                "-w",
                "start",
            ],
        ),
        check=True,
        capture_output=True,
    )
    psql(f"CREATE ROLE tacenter LOGIN PASSWORD '{keys()['db']}'")
    psql("CREATE DATABASE tacenter OWNER tacenter")


def psql(sql: str, database: str = "postgres") -> str:
    argv = [
        "runuser",
        "-u",
        "postgres",
        "--",
        str(PG_BIN / "psql"),
        "-h",
        str(STATE / "db" / "sock"),
        "-d",
        database,
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
    ]
    return subprocess.run(net.exec_argv("db", argv), check=True, capture_output=True, text=True).stdout


def stop_db() -> None:
    data = STATE / "db" / "data"
    if (data / "postmaster.pid").exists():
        argv = [
            "runuser",
            "-u",
            "postgres",
            "--",
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-m",
            "fast",
            "stop",
        ]
        subprocess.run(argv, capture_output=True)
