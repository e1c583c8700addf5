"""Reading settings from the environment, failing loudly on values that cannot be right.

A typo in a production environment file must stop the process at start-up with a message
naming the variable, never fall back silently to a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty.")
    return items


def _redact(url: str) -> str:
    """The URL with its password replaced, so that an error message never prints a credential."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparsable URL>"


# WAL lets readers work while one writer writes. Also run by the importer's writer process
# (registry/io/writer_child.py), which opens the file without Django.
SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"


def database_config(url: str, *, conn_max_age: int) -> dict:
    """Parse DATABASE_URL; only SQLite and PostgreSQL are supported."""
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r} cannot be parsed: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # IMMEDIATE avoids upgrade deadlocks.
        config["OPTIONS"] = {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
        config["TEST"] = {"NAME": None}
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r}: only sqlite:// and postgresql:// are supported.")
    return config


def secret_key_file(path, make=None) -> str:
    """Read the key kept in `path`, creating it (mode 600) with `make()` (default: 50 random bytes,
    URL-safe) on first use."""
    import secrets
    from pathlib import Path

    path = Path(path)
    if path.exists():
        key = path.read_text().strip()
        if len(key) < 32:
            raise ImproperlyConfigured(
                f"The secret key file {path} holds fewer than 32 characters; delete it to have a new key "
                "generated, or set SECRET_KEY."
            )
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = make() if make else secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def random_key() -> str:
    """32 random bytes in URL-safe base64: an identifier or lookup key (core.sealing)."""
    import base64
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
