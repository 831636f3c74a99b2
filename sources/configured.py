"""What every search adapter is built with: settings, fetch limits and a clock, which tests
inject and production reads from the environment at poll time."""

import time
from collections.abc import Callable

from core.settings import Settings, get_settings
from sources.http import FetchLimits


class ConfiguredAdapter:
    def __init__(
        self,
        settings: Settings | None = None,
        limits: FetchLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._limits = limits
        self._clock = clock

    def _resolved(self) -> tuple[Settings, FetchLimits]:
        settings = self._settings or get_settings()
        return settings, self._limits or FetchLimits.from_settings(settings)
