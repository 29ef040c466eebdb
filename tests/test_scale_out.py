"""Two app servers, one database: the deployment scales out behind a load balancer.

Two real gunicorn servers, as deployed (DEBUG off, one secret key, nothing but the environment
shared), against one PostgreSQL database of this test's own, and one user whose browser talks to
either: logged in on A, saving on B, refused on A with the stale form, locked out on both after
failures spread over both. Run once with the database serving sessions and the lock-out, once with
Redis (REDIS_URL). PostgreSQL and Redis are required: the test fails, never skips, without them.
"""

import json
import secrets
import socket
import textwrap

import psycopg
import pytest
import redis
from axes.helpers import make_cache_key_list

from tests.gunicorn_servers import (
    Browser,
    deployed_environment,
    finish,
    form_fields,
    gunicorn_servers,
    iter_ports,
    manage,
)

POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number of its own, flushed before and after.
REDIS_DB = 11
FAILURE_LIMIT = 3
PASSWORD = "correct horse battery staple"  # noqa: S105 - tests.factories.UserFactory's

SEED = textwrap.dedent(
    """
    import json, os, django
    django.setup()
    from tests.factories import CommitmentFactory, UserFactory
    facts = {}
    for variant in ("database", "redis"):
        # Names of this run only: the lock-out's Redis keys are made of the user name.
        run = os.environ["SCALE_OUT_RUN"]
        names = {role: f"{role}-{variant}-{run}" for role in ("desk", "target")}
        desk = UserFactory(username=names["desk"], roles=["Manager"])
        UserFactory(username=names["target"], roles=["Viewer"])
        commitment = CommitmentFactory(author=desk, next_step="Exchange first drafts.")
        facts[variant] = names | {"commitment": commitment.pk, "version": commitment.version}
    print(json.dumps(facts))
    """
)


def _require(what: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        pytest.fail(
            f"{what} is not reachable at {host}:{port} ({error}). The scale-out test needs it: "
            f"start {what} there, then run the test again.",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A migrated PostgreSQL database with two desks' data and collected static files; the
    database is dropped afterwards."""
    _require("PostgreSQL", "127.0.0.1", 5432)
    run = secrets.token_hex(4)
    name = f"tracker_scaleout_{run}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    static_root = tmp_path_factory.mktemp("static")
    deployed = {
        "secret_key": secrets.token_urlsafe(50),
        "database_url": f"{POSTGRES}/{name}",
        "static_root": static_root,
    }
    try:
        env = deployed_environment(**deployed)
        # Independent: run side by side.
        migrating = manage("migrate", "--no-input", "-v0", env=env)
        collecting = manage("collectstatic", "--no-input", "-v0", env=env)
        finish(migrating, "migrate")
        seeding = manage("shell", "-c", SEED, env=env | {"SCALE_OUT_RUN": run})
        finish(collecting, "collectstatic")
        facts = json.loads(finish(seeding, "creating the users").strip().splitlines()[-1])
        yield deployed | {"facts": facts, "logs": tmp_path_factory.mktemp("logs")}
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_cache(request):
    """With Redis: a flushed Redis database (flushed again afterwards) and REDIS_URL. With the
    database: no REDIS_URL at all."""
    if request.param == "database":
        yield None, {}
        return
    _require("Redis", REDIS_HOST, REDIS_PORT)
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)
    client.flushdb()
    try:
        yield client, {"REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"}
    finally:
        client.flushdb()
        client.close()


def _row(database_url: str, sql: str, *params):
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchone()


@pytest.mark.parametrize("shared_cache", ["database", "redis"], indirect=True)
def test_one_user_across_two_app_servers(deployment, shared_cache):
    cache, extra_env = shared_cache
    variant = "redis" if cache else "database"
    facts = deployment["facts"][variant]
    database_url = deployment["database_url"]
    env = deployed_environment(
        secret_key=deployment["secret_key"],
        database_url=database_url,
        static_root=deployment["static_root"],
        AXES_FAILURE_LIMIT=str(FAILURE_LIMIT),
        **extra_env,
    )
    page = f"/commitments/{facts['commitment']}/"
    update = f"{page}update/"
    with gunicorn_servers(env, count=2, log_dir=deployment["logs"]) as (a, b):
        desk = Browser()
        logged_in = desk.log_in(a, facts["desk"], PASSWORD)
        assert logged_in.status == 302, logged_in.text
        session = desk.cookies["sessionid"]

        # The form as A shows it, before the same person saves on B.
        on_a = desk.get(a, page)
        assert on_a.status == 200, on_a.text
        stale = form_fields(on_a.text, form_id="update-form")
        assert stale["loaded_version"] == str(facts["version"])

        on_b = desk.get(b, page)
        assert on_b.status == 200, "B does not know the session A started"
        assert desk.cookies["sessionid"] == session
        edit = form_fields(on_b.text, form_id="update-form")
        edit |= {"next_step": "Agree the joint statement's text.", "note": "Saved on B."}
        saved = desk.post(b, update, edit)
        assert saved.status == 302, saved.text
        assert saved.location == page

        stale |= {"next_step": "Send the draft to the embassy.", "note": "Saved on A."}
        refused = desk.post(a, update, stale)
        assert refused.status == 409, refused.text
        assert "Nothing of this form was saved" in refused.text
        assert "Agree the joint statement&#x27;s text." in refused.text

        next_step, version = _row(
            database_url,
            "SELECT next_step, version FROM tracker_commitment WHERE id = %s",
            facts["commitment"],
        )
        assert (next_step, version) == ("Agree the joint statement's text.", facts["version"] + 1)
        (notes,) = _row(
            database_url,
            "SELECT array_agg(note ORDER BY id) FROM tracker_statusupdate"
            " WHERE commitment_id = %s AND note LIKE 'Saved on %%'",
            facts["commitment"],
        )
        assert notes == ["Saved on B."]
        # The session is in the database either way; with Redis it is read through the cache.
        assert _row(database_url, "SELECT 1 FROM django_session WHERE session_key = %s", session)
        if cache:
            assert cache.exists(f"tracker:1:django.contrib.sessions.cached_db{session}")

        # Failed log-ins, handed to A and B in turn, count towards one limit.
        target = facts["target"]
        servers = iter_ports([a, b])
        statuses = [
            Browser().log_in(next(servers), target, f"wrong {n}").status
            for n in range(FAILURE_LIMIT)
        ]
        assert statuses == [200] * (FAILURE_LIMIT - 1) + [429], (
            "each server counted its own failures: the lock-out must be counted where all see it"
        )
        attempts = _row(
            database_url,
            "SELECT max(failures_since_start) FROM axes_accessattempt WHERE username = %s",
            target,
        )[0]
        if cache:
            assert attempts is None, "with REDIS_URL the failures are counted in Redis only"
            (key,) = make_cache_key_list([{"username": target, "ip_address": "127.0.0.1"}])
            assert int(cache.get(f"tracker:1:{key}")) == FAILURE_LIMIT
        else:
            assert attempts == FAILURE_LIMIT

        for server in (a, b):
            locked = Browser()
            answer = locked.log_in(server, target, PASSWORD)
            assert answer.status == 429, f"the right password let {target} in on {server}"
            assert "sessionid" not in locked.cookies
            assert "Too many failed log-ins" in answer.text
