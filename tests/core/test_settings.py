"""Settings from the environment, a .env beside the data folder, and the running up's up.env."""

from pathlib import Path

import pytest

from core.settings import Settings, load_settings


def settings_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(folder)
    return load_settings()


@pytest.fixture
def deploy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """/deploy/data is the data folder; commands run from /elsewhere."""
    (tmp_path / "deploy" / "data").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("ESCUCHA_DATA_DIR", str(tmp_path / "deploy" / "data"))
    monkeypatch.delenv("ESCUCHA_ALLOW_PRIVATE_HOSTS", raising=False)
    return tmp_path


def test_a_dotenv_beside_the_data_folder_is_read(
    deploy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (deploy / "deploy" / ".env").write_text(
        "ESCUCHA_ALLOW_PRIVATE_HOSTS=true\nESCUCHA_USER_AGENT='Acme listener/1.0'\nOTHER=1\n"
    )
    settings = settings_in(deploy / "elsewhere", monkeypatch)
    assert settings.allow_private_hosts is True
    assert settings.user_agent == "Acme listener/1.0"


def test_the_environment_wins_over_up_json_which_wins_over_dotenv(
    deploy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (deploy / "deploy" / ".env").write_text(
        "ESCUCHA_USER_AGENT=from-dotenv\nESCUCHA_LOG_LEVEL=WARNING\nESCUCHA_MAIL_FROM=a@b.test\n"
    )
    (deploy / "deploy" / "data" / "up.json").write_text(
        '{"ESCUCHA_USER_AGENT": "from \\"up\\"", "ESCUCHA_LOG_LEVEL": "DEBUG", "PATH": "x"}'
    )
    monkeypatch.setenv("ESCUCHA_LOG_LEVEL", "ERROR")
    settings = settings_in(deploy / "elsewhere", monkeypatch)
    assert settings.user_agent == 'from "up"'
    assert settings.log_level == "ERROR"
    assert settings.mail_from == "a@b.test"


def test_a_dotenv_in_the_working_folder_is_read_too(
    deploy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (deploy / "elsewhere" / ".env").write_text("ESCUCHA_ALLOW_PRIVATE_HOSTS=1\n")
    assert settings_in(deploy / "elsewhere", monkeypatch).allow_private_hosts is True
    assert settings_in(deploy, monkeypatch).allow_private_hosts is False


def test_up_json_keeps_values_exactly(deploy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.up import write_up_json

    odd = 'a "quoted" \\ back\\slash, $HOME, ${HOME} and a # hash'
    monkeypatch.setenv("ESCUCHA_HOST_RATE_LIMITS", '{"www.reddit.com": 0.5}')
    monkeypatch.setenv("ESCUCHA_USER_AGENT", odd)
    monkeypatch.setenv("ESCUCHA_ALLOW_PRIVATE_HOSTS", "true")
    path = write_up_json(Settings())
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.delenv("ESCUCHA_USER_AGENT")
    monkeypatch.delenv("ESCUCHA_ALLOW_PRIVATE_HOSTS")
    monkeypatch.delenv("ESCUCHA_HOST_RATE_LIMITS")
    settings = settings_in(deploy / "elsewhere", monkeypatch)
    assert settings.user_agent == odd and settings.allow_private_hosts is True
    assert settings.host_rate_limits == {"www.reddit.com": 0.5}
