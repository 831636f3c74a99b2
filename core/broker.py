"""The embedded broker: kombu's filesystem transport, with messages written atomically.

kombu's own `_put` creates the message file, then writes it; a consumer listing the folder
in between moves the empty file away and fails on it (JSONDecodeError), which stops the
worker, and with it `escucha up`. Here a message is written under a name consumers skip
(`.part` after the queue's `.msg`) and renamed into place, which is atomic on one file system.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

SCHEME = "escucha-filesystem"


class Channel(filesystem.Channel):
    # The stubs of AbstractChannel and filesystem.Channel disagree; this is the latter's.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES.setdefault(SCHEME, "core.broker:Transport")
