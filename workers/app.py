"""The Celery app: the embedded filesystem broker by default, Redis when ESCUCHA_BROKER_URL says so."""

from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from core.db import reset_engine
from core.settings import Settings, get_settings


def broker_options(settings: Settings) -> dict[str, Any]:
    if not settings.uses_embedded_broker:
        return {"visibility_timeout": 3600}
    folder = settings.broker_folder()
    for sub in ("processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }


def create_app(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    app = Celery("escucha", broker=settings.resolved_broker_url(), include=["workers.tasks"])
    app.conf.update(
        broker_transport_options=broker_options(settings),
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        task_default_queue="escucha",
        beat_schedule={
            "sources.enqueue-due": {
                "task": "sources.enqueue_due",
                "schedule": settings.scheduler_tick_seconds,
            }
        },
        beat_schedule_filename=str((settings.data_dir / "celerybeat-schedule").resolve()),
    )
    return app


celery_app = create_app()


@worker_process_init.connect
def _fresh_pool_in_child(**_: Any) -> None:
    reset_engine()
