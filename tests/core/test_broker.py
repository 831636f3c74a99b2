"""The embedded broker under a writer in another process: no consumer ever reads a message
file before it is whole (kombu's own filesystem transport lets one do so, and the worker, and
with it `escucha up`, then stops on a JSONDecodeError)."""

import json
import multiprocessing
from pathlib import Path
from typing import Any

from kombu import Connection

from core.settings import Settings

MESSAGES = 2000


def write_messages(url: str, options: dict[str, Any]) -> None:
    import core.broker  # noqa: F401 - registers the embedded scheme in this process

    with Connection(url, transport_options=options) as connection:
        queue = connection.SimpleQueue("escucha")
        for number in range(MESSAGES):
            queue.put({"number": number, "padding": "x" * 20_000})


def test_a_consumer_never_reads_a_message_being_written(tmp_path: Path) -> None:
    url = Settings().resolved_broker_url()
    assert Settings().uses_embedded_broker
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    writer = multiprocessing.get_context("spawn").Process(
        target=write_messages, args=(url, options)
    )
    writer.start()
    numbers: list[int] = []
    broken = 0
    try:
        with Connection(url, transport_options=options) as connection:
            queue = connection.SimpleQueue("escucha")
            while len(numbers) + broken < MESSAGES:
                try:
                    message = queue.get(timeout=60)
                except json.JSONDecodeError:
                    broken += 1
                    continue
                numbers.append(message.payload["number"])
                message.ack()
    finally:
        writer.join(timeout=60)
    assert broken == 0
    assert sorted(numbers) == list(range(MESSAGES))
    assert not list(tmp_path.glob("*.part"))
