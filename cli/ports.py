"""A port already taken, said before anything starts (uvicorn alone says `[Errno 98]`)."""

import errno
import socket


class PortInUseError(Exception):
    pass


def check_port_free(host: str, port: int) -> None:
    """PortInUseError naming the port and how to choose another, when `host:port` is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise PortInUseError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
            raise PortInUseError(
                f"port {port} on {host} is already in use (another Escucha, or another "
                f"program). Choose another one: ./dev.sh up --port {port + 1} (or "
                f"escucha up --port {port + 1}), then use http://{host}:{port + 1}"
            ) from None
