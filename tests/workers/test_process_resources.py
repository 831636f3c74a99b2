"""What a worker process builds once: models before forking, its own client after."""

import gc

from core.resources import fetch_pool, http_client, reset_process_resources
from workers.app import _fresh_resources_in_child, _load_models_before_forking


def test_the_worker_loads_its_models_before_forking_and_freezes_them() -> None:
    gc.unfreeze()
    try:
        _load_models_before_forking()
        assert gc.get_freeze_count() > 0  # the collector leaves inherited pages alone
    finally:
        gc.unfreeze()


def test_a_forked_child_builds_its_own_client_and_fetch_pool() -> None:
    client, pool = http_client(), fetch_pool()
    assert http_client() is client and fetch_pool() is pool  # once per process
    _fresh_resources_in_child()
    assert http_client() is not client and fetch_pool() is not pool
    reset_process_resources()
