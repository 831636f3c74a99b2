"""What every source test uses: the real local HTTP server, and our HTTP client allowed to
reach it on loopback."""

from collections.abc import Iterator

import httpx
import pytest

from core.settings import Settings
from sources.http import make_client
from tests.support.feed_server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(allow_private_hosts=True)) as shared:
        yield shared
