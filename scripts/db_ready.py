"""Exit 0 when the database at the given URL answers (used by `make test-postgres`)."""

import sys

import psycopg


def main(url: str) -> int:
    # Ask the server itself, not the voronka database the tests will create.
    server_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
