"""The Prometheus, Grafana and docker-compose files: they parse, point at files that exist
and at each other, and the dashboard queries real series. No Docker engine is needed."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from services.polling import poll_source
from tests.support.alerts import make_brand

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DASHBOARD = ROOT / "grafana" / "dashboards" / "escucha.json"
DATASOURCES = ROOT / "grafana" / "provisioning" / "datasources" / "escucha.yml"
PROVIDERS = ROOT / "grafana" / "provisioning" / "dashboards" / "escucha.yml"
PROMETHEUS = ROOT / "prometheus" / "prometheus.yml"
RULES = ROOT / "prometheus" / "escucha_rules.yml"
GRAFANA_VARIABLES = {"$brand": ".*", "$__range": "7d", "$__rate_interval": "2m"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def promtool(*args: str) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("promtool") is None:
        reason = "promtool is not installed (apt-get install prometheus; .ci/run does)"
        if os.environ.get("ESCUCHA_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return subprocess.run(["promtool", *args], capture_output=True, timeout=60, check=False)


def bind_mounts(service: dict[str, Any]) -> list[tuple[Path, str]]:
    mounts = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("./"):
            mounts.append((ROOT / source, target))
    return mounts


def dashboard_panels() -> list[dict[str, Any]]:
    return [p for p in json.loads(DASHBOARD.read_text())["panels"] if p["type"] != "row"]


def dashboard_exprs() -> list[str]:
    return [t["expr"] for p in dashboard_panels() for t in p["targets"]]


def test_compose_runs_prometheus_and_grafana_on_the_repository_files() -> None:
    services = load(COMPOSE)["services"]
    assert {"api", "worker", "beat", "migrate", "prometheus", "grafana"} <= set(services)
    for name in ("prometheus", "grafana"):
        mounts = bind_mounts(services[name])
        assert mounts, name
        for source, _ in mounts:
            assert source.exists(), f"{name} mounts {source}, which is not in the repository"
    targets = {target: source for source, target in bind_mounts(services["grafana"])}
    assert targets["/etc/grafana/provisioning"] == ROOT / "grafana" / "provisioning"
    (provider,) = load(PROVIDERS)["providers"]
    assert targets[provider["options"]["path"]] == DASHBOARD.parent
    prometheus_command = " ".join(services["prometheus"]["command"])
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus_command
    assert {t for _, t in bind_mounts(services["prometheus"])} >= {
        "/etc/prometheus/prometheus.yml",
        "/etc/prometheus/escucha_rules.yml",
    }
    assert "ESCUCHA_METRICS_TOKEN" in services["api"]["environment"]
    assert "ESCUCHA_METRICS_TOKEN" in services["prometheus"]["environment"]


def test_the_data_sources_and_the_scrape_point_at_the_compose_services() -> None:
    services = load(COMPOSE)["services"]
    sources = {d["uid"]: d for d in load(DATASOURCES)["datasources"]}
    assert sources["escucha-prometheus"]["url"] == "http://prometheus:9090"
    assert sources["escucha-api"]["url"] == "http://api:8000"
    assert sources["escucha-api"]["type"] == "yesoreyeram-infinity-datasource"
    assert (
        "yesoreyeram-infinity-datasource"
        in services["grafana"]["environment"]["GF_INSTALL_PLUGINS"]
    )
    (job,) = load(PROMETHEUS)["scrape_configs"]
    assert job["static_configs"] == [{"targets": ["api:8000"]}]
    assert job["metrics_path"] == "/metrics" and job["authorization"]["type"] == "Bearer"
    assert "--port 8000" in " ".join(services["api"]["command"])
    token_file = job["authorization"]["credentials_file"]
    assert token_file in " ".join(services["prometheus"]["command"])


def test_promtool_accepts_the_configuration_and_the_rules(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    config = PROMETHEUS.read_text().replace("/tmp/escucha_metrics_token", str(token))
    (tmp_path / "prometheus.yml").write_text(config)
    shutil.copy(RULES, tmp_path / RULES.name)
    done = promtool("check", "config", str(tmp_path / "prometheus.yml"))
    assert done.returncode == 0, (done.stdout + done.stderr).decode()
    done = promtool("check", "rules", str(RULES))
    assert done.returncode == 0, (done.stdout + done.stderr).decode()


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    rules = []
    for number, expr in enumerate(dashboard_exprs()):
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        rules.append({"record": f"dashboard:query{number}", "expr": expr})
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    done = promtool("check", "rules", str(path))
    assert done.returncode == 0, (done.stdout + done.stderr).decode()


def test_the_dashboard_reads_series_that_metrics_serves(db: str) -> None:
    from api.app import create_app

    brand = make_brand()
    poll_source(brand.source_id, force=True)  # a failed poll: every family has a sample
    with TestClient(create_app()) as client:
        served = set(re.findall(r"^# TYPE (\w+) (\w+)", client.get("/metrics").text, re.M))
    names = {name for name, _ in served}
    names |= {f"{name}_total" for name, kind in served if kind == "counter"}
    panels = dashboard_panels()
    assert {"Mentions per hour by sentiment", "Share of voice over the range"} <= {
        p["title"] for p in panels
    }
    assert any("escucha_brand_sources" in e for e in dashboard_exprs())  # polling health
    provisioned = {d["uid"] for d in load(DATASOURCES)["datasources"]}
    for panel in panels:
        assert panel["datasource"]["uid"] in provisioned, panel["title"]
        for target in panel["targets"]:
            used = set(re.findall(r"\bescucha_[a-z_]+\b", target["expr"]))
            assert used and used <= names, (panel["title"], used - names)
    ids = [p["id"] for p in json.loads(DASHBOARD.read_text())["panels"]]
    assert len(ids) == len(set(ids))
