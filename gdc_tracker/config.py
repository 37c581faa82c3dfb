"""Settings from config.toml and the environment.

`load()` is pure: it takes a path and an environment mapping, so tests can build any
configuration without touching the process. The environment wins over the file:
`DATABASE_URL` (or `GDC_TRACKER_DATABASE_URL`, which takes precedence) replaces
`database.url`, the usual way a deployment points the app at PostgreSQL.
"""

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdc_tracker.i18n import OFFICIAL_LANGUAGES
from gdc_tracker.status import Thresholds

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.toml"
DEFAULT_DATABASE_URL = "sqlite:///data/gdc_tracker.db"

# Every setting the file may hold, as (section, key, default, help). The README documents
# each one; tests/test_config.py checks that it does.
SETTINGS: tuple[tuple[str, str, object, str], ...] = (
    ("database", "url", DEFAULT_DATABASE_URL, "SQLAlchemy URL of the store."),
    ("database", "seed_demo_data", True, "Fill an empty store with demo progress entries."),
    (
        "database",
        "load_starter_data",
        True,
        "Load the public statistics shipped in data/starter into a new store.",
    ),
    ("app", "organisation_name", "International Telecommunication Union", "Shown in footers."),
    ("app", "refresh_seconds", 10, "Seconds between data-version checks on live views."),
    ("app", "cache_ttl_seconds", 600, "Longest time a cached query result is kept."),
    ("app", "session_minutes", 60, "Minutes without activity after which a user is signed out."),
    (
        "app",
        "default_language",
        "en",
        "Language for a visitor whose link and browser ask for none the app speaks "
        "(en, fr, es, ar, zh or ru).",
    ),
    ("status", "on_track", 0.95, "Actual/required growth at or above which a target is on track."),
    ("status", "moderate", 0.5, "Ratio at or above which progress is moderate."),
    (
        "status",
        "limited",
        0.0,
        "Ratio at or above which progress is limited; below: deterioration.",
    ),
    (
        "review",
        "allow_self_publish",
        False,
        "Whether a reviewer may publish or reject entries she entered herself (four eyes: no).",
    ),
    (
        "app",
        "frame_ancestors",
        "'self'",
        "Who may show the app in a frame (CSP frame-ancestors): 'self', 'none', or origins "
        "such as https://intranet.example.org for a presenter's embedded dashboard.",
    ),
    (
        "auth",
        "max_failures_per_account",
        5,
        "Failed sign-ins to one user name after which its sign-in pauses.",
    ),
    (
        "auth",
        "max_failures_per_address",
        20,
        "Failed sign-ins from one client address after which sign-in from it pauses.",
    ),
    (
        "auth",
        "failure_window_minutes",
        15,
        "Quiet minutes (after any pause) after which earlier failures no longer count.",
    ),
    ("auth", "lock_minutes", 1, "The first pause, in minutes; each further one doubles."),
    ("auth", "max_lock_minutes", 15, "The longest pause, in minutes."),
    (
        "auth",
        "behind_proxy",
        False,
        "Whether a proxy in front of the app sets X-Forwarded-For: the client address is then "
        "its last entry. Leave false when clients reach the app directly.",
    ),
    (
        "api",
        "requests_per_minute",
        600,
        "Requests to /api/v1 each client address may make per minute, per server process.",
    ),
)


class ConfigError(ValueError):
    """The configuration file holds an unknown key or a value of the wrong type."""


@dataclass(frozen=True)
class SignInRules:
    """When repeated failed sign-ins pause sign-in, and for how long ([auth])."""

    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    failure_window_minutes: int = 15
    lock_minutes: int = 1
    max_lock_minutes: int = 15
    behind_proxy: bool = False


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    seed_demo_data: bool = True
    load_starter_data: bool = True
    organisation_name: str = "International Telecommunication Union"
    refresh_seconds: int = 10
    cache_ttl_seconds: int = 600
    session_minutes: int = 60
    default_language: str = "en"
    # Four eyes: by default another reviewer decides on a reviewer's own entries.
    allow_self_publish: bool = False
    api_requests_per_minute: int = 600
    thresholds: Thresholds = field(default_factory=Thresholds)
    frame_ancestors: str = "'self'"
    sign_in: SignInRules = field(default_factory=SignInRules)


def resolve_sqlite_path(url: str, root: Path = PROJECT_ROOT) -> str:
    """Make a relative SQLite file path absolute against the project folder.

    `streamlit run` and the CLI may start from any folder; the store must not move with them.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite://":
        return url
    path = url[len(prefix) :]
    if not path or path.startswith("/") or path.startswith(":memory:"):
        return url
    return prefix + str((root / path).resolve())


def _read_file(path: Path) -> dict[str, dict[str, object]]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    known = {(section, key): default for section, key, default, _ in SETTINGS}
    for section, values in document.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: '{section}' must be a [section]")
        for key, value in values.items():
            if (section, key) not in known:
                raise ConfigError(
                    f"{path}: unknown setting [{section}] {key}. "
                    f"Hint: the known settings are listed in the README."
                )
            expected = type(known[(section, key)])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ConfigError(
                    f"{path}: [{section}] {key} must be {expected.__name__}, got {value!r}"
                )
            values[key] = value
    return document


def _language(code: str) -> str:
    if code not in OFFICIAL_LANGUAGES:
        raise ConfigError(
            f"[app] default_language must be one of {', '.join(OFFICIAL_LANGUAGES)}, got {code!r}"
        )
    return code


def _frame_ancestors(value: str) -> str:
    """Sources for CSP frame-ancestors: nothing that would end the header or the directive."""
    if not value.strip() or any(char in value for char in ";,\r\n"):
        raise ConfigError(
            "[app] frame_ancestors must be sources separated by spaces, such as "
            f"\"'self' https://intranet.example.org\", got {value!r}"
        )
    return value.strip()


def _positive(rules: SignInRules) -> SignInRules:
    for name, value in vars(rules).items():
        if not isinstance(value, bool) and value < 1:
            raise ConfigError(f"[auth] {name} must be at least 1, got {value!r}")
    return rules


def load(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from `path` (default: the project's config.toml) and `env`."""
    env = os.environ if env is None else env
    document = _read_file(path or DEFAULT_CONFIG_PATH)

    def get(section: str, key: str) -> Any:  # a TOML value, or the setting's default
        default = next(d for s, k, d, _ in SETTINGS if (s, k) == (section, key))
        return document.get(section, {}).get(key, default)

    url = (
        env.get("GDC_TRACKER_DATABASE_URL")
        or env.get("DATABASE_URL")
        or str(get("database", "url"))
    )
    return Settings(
        database_url=resolve_sqlite_path(url),
        seed_demo_data=bool(get("database", "seed_demo_data")),
        load_starter_data=bool(get("database", "load_starter_data")),
        organisation_name=str(get("app", "organisation_name")),
        refresh_seconds=int(get("app", "refresh_seconds")),
        cache_ttl_seconds=int(get("app", "cache_ttl_seconds")),
        session_minutes=int(get("app", "session_minutes")),
        default_language=_language(str(get("app", "default_language"))),
        allow_self_publish=bool(get("review", "allow_self_publish")),
        api_requests_per_minute=int(get("api", "requests_per_minute")),
        frame_ancestors=_frame_ancestors(str(get("app", "frame_ancestors"))),
        sign_in=_positive(
            SignInRules(
                **{
                    key: get("auth", key)
                    for section, key, _default, _help in SETTINGS
                    if section == "auth"
                }
            )
        ),
        thresholds=Thresholds(
            on_track=float(get("status", "on_track")),
            moderate=float(get("status", "moderate")),
            limited=float(get("status", "limited")),
        ),
    )
