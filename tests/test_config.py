"""Settings: defaults, the environment's precedence, clear errors, documentation."""

from pathlib import Path

import pytest

from gdc_tracker import config

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_store_is_the_sqlite_file_under_data(tmp_path: Path) -> None:
    settings = config.load(tmp_path / "absent.toml", env={})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'gdc_tracker.db'}"


def test_database_url_in_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///elsewhere.db"\n')
    env = {"DATABASE_URL": "postgresql://db.example/gdc"}
    assert config.load(path, env=env).database_url == "postgresql://db.example/gdc"
    env["GDC_TRACKER_DATABASE_URL"] = "sqlite:////tmp/x.db"
    assert config.load(path, env=env).database_url == "sqlite:////tmp/x.db"


def test_file_values_are_read_and_thresholds_built(tmp_path: Path) -> None:
    path = write(tmp_path, "[app]\nrefresh_seconds = 30\n[status]\non_track = 1\n")
    settings = config.load(path, env={})
    assert settings.refresh_seconds == 30
    assert settings.thresholds.on_track == 1.0


def test_an_unknown_setting_is_named_in_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[app]\nrefresh_secs = 30\n")
    with pytest.raises(config.ConfigError, match=r"unknown setting \[app\] refresh_secs"):
        config.load(path, env={})


def test_a_value_of_the_wrong_type_is_named_in_the_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[app]\nrefresh_seconds = "ten"\n')
    with pytest.raises(config.ConfigError, match=r"\[app\] refresh_seconds must be int"):
        config.load(path, env={})


def test_the_shipped_config_file_loads() -> None:
    assert config.load(env={}).refresh_seconds == 10


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"{s}.{k}" for s, k, _, _ in config.SETTINGS if f"`{s}.{k}`" not in readme]
    assert missing == []


def test_four_eyes_is_the_default(tmp_path: Path) -> None:
    assert config.load(tmp_path / "absent.toml", env={}).allow_self_publish is False
    assert config.load(env={}).allow_self_publish is False  # the shipped file says so too


def test_a_team_with_one_reviewer_may_allow_self_publishing(tmp_path: Path) -> None:
    path = write(tmp_path, "[review]\nallow_self_publish = true\n")
    assert config.load(path, env={}).allow_self_publish is True


def test_self_publishing_must_be_true_or_false(tmp_path: Path) -> None:
    path = write(tmp_path, '[review]\nallow_self_publish = "no"\n')
    with pytest.raises(config.ConfigError, match=r"\[review\] allow_self_publish must be bool"):
        config.load(path, env={})
