"""Structured logs: key=value for people at a terminal, JSON lines when ESCUCHA_LOG_JSON=true."""

import logging
import sys

import structlog

from core.settings import get_settings

# Celery's line per scheduled task and per task received and finished (about 15 a minute
# with nothing to poll), and httpx's line per request sent (every poll, with its URL; about
# 8 us of CPU each): shown at DEBUG only. Errors and warnings still show.
CHATTY_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace", "httpx")


def configure_logging() -> None:
    settings = get_settings()
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, stream=sys.stderr)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(
            logging.DEBUG if level <= logging.DEBUG else logging.WARNING
        )


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
