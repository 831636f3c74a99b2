"""schemathesis over the running API: every operation of /openapi.json, every check, with a
fixed seed and a bounded number of examples. 0 failures means the document says what the
API sends (statuses, content types, bodies) and no input answers 500."""

import re
import subprocess
import sys
from pathlib import Path

from tests.api.conftest import new_tenant
from tests.support.processes import Process, clean_env, free_port, wait_healthy

CONFIG = Path(__file__).with_name("schemathesis.toml")
ST = Path(sys.executable).with_name("st")


def test_schemathesis_finds_nothing(db: str, tmp_path: Path) -> None:
    tenant = new_tenant("Contract")
    env = clean_env(
        ESCUCHA_DATABASE_URL=db,
        ESCUCHA_DATA_DIR=str(tmp_path / "data"),
        ESCUCHA_ALLOW_PRIVATE_HOSTS="true",
    )
    port = free_port()
    api = Process(["api", "--port", str(port)], env=env, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        done = subprocess.run(
            [
                str(ST), "--config-file", str(CONFIG), "run", f"{base}/openapi.json",
                "--checks", "all", "--max-examples", "12", "--seed", "20261201",
                "--workers", "1", "--phases", "examples,coverage,fuzzing", "--no-color",
                "--request-timeout", "30",
                "-H", f"Authorization: {tenant.headers['Authorization']}",
            ],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        api.stop()
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    counted = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert counted and counted[1] == counted[2] and int(counted[1]) > 1000, summary
