"""The one configuration object. Every value comes from an ESCUCHA_ environment variable,
or from a `.env` file of such lines: in the working folder, or beside the data folder
(`<ESCUCHA_DATA_DIR>/../.env`). While `escucha up` runs, the ESCUCHA_ variables it was
started with are kept in `<data folder>/up.json`, so a command from another shell (`escucha
poll`) runs with up's settings. The environment wins over up.json, which wins over .env.
"""

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from core.broker import SCHEME as EMBEDDED_BROKER_SCHEME

DEFAULT_DATA_DIR = Path(".escucha")
# Signs unsubscribe links. Fine on a laptop; refused outside development (see below).
DEVELOPMENT_SECRET_KEY = "escucha-development-secret-change-me"
ENV_FILE = Path(".env")
UP_JSON_FILE = "up.json"
# The running up's variables, for the Settings that get_settings builds (empty otherwise).
_running_up: dict[str, str] = {}


class _RunningUpSource(EnvSettingsSource):
    """The environment `escucha up` was started with, read as this process's own."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, str]) -> None:
        self._values = dict(values)
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._values, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESCUCHA_", extra="ignore")

    environment: str = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    broker_url: str = ""
    redis_url: str = ""
    smtp_url: str = ""
    mail_from: str = "escucha@localhost"
    user_agent: str = "Escucha/0.1 (brand-mention listening; +https://github.com/escucha)"
    allow_private_hosts: bool = False

    reddit_auth_url: str = "https://www.reddit.com"
    reddit_base_url: str = "https://oauth.reddit.com"
    reddit_client_id: str = ""
    reddit_client_secret: SecretStr = SecretStr("")
    google_news_base_url: str = "https://news.google.com"
    hackernews_base_url: str = "https://hn.algolia.com"
    bluesky_base_url: str = "https://bsky.social"
    bluesky_handle: str = ""
    bluesky_app_password: SecretStr = SecretStr("")
    reddit_username: str = ""
    reddit_include_comments: bool = False
    search_lookback_days: int = Field(default=7, ge=1, le=365)
    search_max_pages: int = Field(default=3, ge=1, le=50)

    fetch_timeout_seconds: float = 30.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_consecutive_failures: int = 10
    backoff_base_seconds: float = 60.0
    backoff_max_seconds: float = 6 * 3600.0
    scheduler_tick_seconds: float = 15.0
    # How long a poll holds its source (no other worker may poll it meanwhile); a poll
    # whose worker died frees the source when this runs out. None: 4 x fetch timeout + 60 s.
    poll_lease_seconds: float | None = Field(default=None, gt=0)
    # Requests per second to one host, shared by every worker (token bucket in Redis when
    # ESCUCHA_REDIS_URL is set, else per process). 0 means unlimited. Loopback hosts are
    # only limited when named in host_rate_limits, e.g. '{"www.google.com": 0.5}'.
    default_host_rate_per_second: float = Field(default=1.0, ge=0)
    host_rate_limits: dict[str, float] = Field(default_factory=dict)
    host_rate_burst: float = Field(default=3.0, ge=1)
    # A request waits this long at most for its host's token; longer, the poll is deferred.
    host_rate_max_wait_seconds: float = Field(default=5.0, ge=0)
    # Pool processes of one `escucha worker` (prefork): one per core. Each polls a batch at a
    # time on poll_fetch_threads threads, so two keep two cores busy; the models are loaded
    # once, before forking, and shared (benchmarks/README.md: the deployed path).
    worker_concurrency: int = Field(default=2, ge=1)
    # A prefork worker process holding more than this after a task is replaced by a fresh
    # one: training a relevance model loads scikit-learn (~90 MB) into the process that ran
    # it, and a poll-only process stays near 135 MB. 0: never.
    worker_max_memory_mb: int = Field(default=200, ge=0)
    # Relevance: a brand's model is retrained this long after its last mark (marks that come
    # closer together are trained on once), and at most this long after a mark however
    # often marks come.
    relevance_train_delay_seconds: float = Field(default=3.0, ge=0)
    relevance_train_max_delay_seconds: float = Field(default=30.0, ge=0)
    # The scheduler queues due sources in batches of this many per task: one task claims
    # them in one statement, fetches them on poll_fetch_threads threads and stores them in
    # one transaction. A batch has fixed costs (the lease and the record, a few round trips
    # each; the task's ack and the next message): about 25 ms a batch on the deployed path,
    # a third of a 304 round's wall time with batches of 50. 100 halves that; 250 also
    # speeds the full round but holds 5,000 parsed entries per process (PSS 284 MB against
    # 253 MB for the worker; benchmarks/README.md: the deployed path).
    poll_batch_size: int = Field(default=100, ge=1, le=500)
    poll_fetch_threads: int = Field(default=16, ge=1, le=256)
    log_level: str = "INFO"
    log_json: bool = False

    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET_KEY)
    # When set, GET /metrics answers only `Authorization: Bearer <this>`.
    metrics_token: SecretStr = SecretStr("")
    public_url: str = "http://127.0.0.1:8000"
    alert_delivery_max_attempts: int = Field(default=6, ge=1)
    alert_retry_base_seconds: float = Field(default=30.0, gt=0)
    alert_retry_max_seconds: float = Field(default=3600.0, gt=0)
    alert_send_lease_seconds: float = Field(default=300.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        running_up = _RunningUpSource(settings_cls, _running_up)
        return (init_settings, env_settings, running_up, dotenv_settings, file_secret_settings)

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> "Settings":
        secret = self.secret_key.get_secret_value()
        if self.environment != "development" and (
            secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32
        ):
            raise ValueError(
                "set ESCUCHA_SECRET_KEY to a random value of at least 32 characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
                "the built-in development key is refused outside development"
            )
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'escucha.db').resolve()}"

    def resolved_broker_url(self) -> str:
        """The embedded broker is kombu's filesystem transport (core.broker, whose writes
        are atomic): no server needed."""
        return self.broker_url or f"{EMBEDDED_BROKER_SCHEME}://"

    def broker_folder(self) -> Path:
        return (self.data_dir / "broker").resolve()

    @property
    def uses_embedded_broker(self) -> bool:
        return self.resolved_broker_url().startswith(
            ("filesystem://", f"{EMBEDDED_BROKER_SCHEME}://")
        )


def env_files(data_dir: Path) -> tuple[Path, ...]:
    """The .env files settings are read from, lowest priority first: the working folder's,
    then the one beside the data folder."""
    unique: dict[Path, None] = {}
    for path in (ENV_FILE, data_dir.parent / ".env"):
        unique.setdefault(path.resolve(), None)
    return tuple(unique)


def running_up_values(data_dir: Path) -> dict[str, str]:
    """The ESCUCHA_ variables of the `escucha up` running on `data_dir`; {} when none is."""
    try:
        values = json.loads((data_dir / UP_JSON_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(values, dict):
        return {}
    return {str(k): str(v) for k, v in values.items() if str(k).startswith("ESCUCHA_")}


def load_settings() -> Settings:
    """Settings from the environment, the running up's variables and the .env files."""
    data_dir = Settings(_env_file=ENV_FILE).data_dir  # type: ignore[call-arg]
    files = env_files(data_dir)
    data_dir = Settings(_env_file=files).data_dir  # type: ignore[call-arg]
    _running_up.clear()
    _running_up.update(running_up_values(data_dir))
    try:
        return Settings(_env_file=files)  # type: ignore[call-arg]
    finally:
        _running_up.clear()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
