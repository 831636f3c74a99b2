"""Reachability checks for the real services the suite uses."""

import redis


def redis_reachable(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        ok = bool(client.ping())
        client.close()
        return ok
    except redis.RedisError:
        return False


def wipe_redis(url: str) -> None:
    """Empty the test Redis database, as the test database is wiped: a worker stopped before
    a task's countdown (the relevance worker's later rescoring pass) leaves the task queued,
    and the next worker started on this Redis would run it against the next test's data
    (once, while that test's fixture truncated the tables: a deadlock). Call before starting
    a worker, never while one runs (its queue bindings live in this database too)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()
