"""The Celery app: the embedded filesystem broker by default, Redis when ESCUCHA_BROKER_URL
says so."""

import gc
from typing import Any

import redis
from celery import Celery
from celery.signals import worker_init, worker_process_init
from kombu.transport import redis as kombu_redis

from core.resources import reset_process_resources
from core.settings import Settings, get_settings

REDIS_SOCKET_TIMEOUT_SECONDS = 10.0


class _RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, made to survive a Redis that vanishes under a busy worker.

    With kombu 5.7 / Celery 5.7, when Redis goes away while the worker waits on BRPOP and
    holds tasks not yet acknowledged, Celery first collects the connection (dropping the
    transport's client), then closes it; closing the channel tries to put those tasks back
    through a connection pool it can no longer build, raises AttributeError, and Celery
    takes that as unrecoverable: the worker process exits and polling stops. Raising a
    connection error instead lets Celery ignore it and reconnect. The tasks stay in Redis's
    unacked set and come back after the visibility timeout, or vanished with a restarted
    Redis, in which case the scheduler queues their sources again when next due.
    """

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise redis.ConnectionError("the broker connection is already closed")
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]
        return params


class RedisTransport(kombu_redis.Transport):
    Channel = _RedisChannel


def broker_transport(settings: Settings) -> str | None:
    """Our Redis transport for redis:// brokers; kombu's default for anything else."""
    if settings.resolved_broker_url().startswith("redis://"):
        return f"{__name__}:RedisTransport"
    return None


def broker_options(settings: Settings) -> dict[str, Any]:
    if not settings.uses_embedded_broker:
        return {
            # A message taken but not acknowledged (its worker vanished) comes back after this.
            "visibility_timeout": 3600,
            # Notice a dead or restarted Redis within seconds instead of hanging on a socket;
            # the consumer then reconnects (broker_connection_retry, forever).
            "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
            "socket_keepalive": True,
            "retry_on_timeout": True,
            "health_check_interval": 10,
        }
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
    app = Celery(
        "escucha",
        broker=settings.resolved_broker_url(),
        include=["workers.tasks", "workers.alert_tasks", "workers.relevance_tasks"],
    )
    app.conf.update(
        broker_transport=broker_transport(settings),
        broker_transport_options=broker_options(settings),
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,  # a restarted Redis: reconnect however long it takes
        task_publish_retry_policy={
            "max_retries": 10,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 2,
        },
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_max_memory_per_child=settings.worker_max_memory_mb * 1024 or None,
        worker_hijack_root_logger=False,
        task_default_queue="escucha",
        beat_schedule={
            "alerts.evaluate": {"task": "alerts.evaluate", "schedule": 60.0},
            "relevance.sweep": {"task": "relevance.sweep", "schedule": 30.0},
        },
        beat_scheduler="workers.beat:Scheduler",
        beat_schedule_filename=str((settings.data_dir / "celerybeat-schedule").resolve()),
    )
    return app


celery_app = create_app()


@worker_init.connect
def _load_models_before_forking(**_: Any) -> None:
    """The worker's models (language detector, sentiment lexicons and head), loaded once in
    the worker's main process, before any pool process is forked: each fork shares them
    copy-on-write instead of loading its own (150 MB a process). `gc.freeze` keeps the
    collector from writing to every inherited object's header, which would copy its page."""
    from services.ingest import load_models  # the API never loads them

    load_models()
    gc.freeze()


@worker_process_init.connect
def _fresh_resources_in_child(**_: Any) -> None:
    reset_process_resources()
