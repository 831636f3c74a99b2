"""The API process puts what it loaded out of the collector's sight when it starts."""

import gc

from fastapi.testclient import TestClient

from api.app import app
from core.collector import YOUNG_THRESHOLD


def test_the_api_freezes_its_loaded_objects_and_collects_young_ones_less_often() -> None:
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        with TestClient(app) as client:  # runs the app's lifespan, as uvicorn does
            assert client.get("/healthz").status_code == 200
            assert gc.get_freeze_count() > 50_000  # the modules, the app, its routes
            assert gc.get_threshold() == (YOUNG_THRESHOLD, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
