"""The client's address, as far as it can be trusted.

Behind the documented reverse proxy every request comes from the proxy: REMOTE_ADDR is nginx. The
proxy appends the address it saw to X-Forwarded-For, but a client can put anything before it. So
X-Forwarded-For is read only when REMOTE_ADDR is one of MINXIN_TRUSTED_PROXIES (addresses or
networks), from the right, skipping the trusted proxies: the first address not ours is the client.
With no trusted proxy configured the header is ignored. Rate limits, the login lockout and the
audit log all key on this one answer.
"""

import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings

_current: ContextVar[str | None] = ContextVar("minxin_client_ip", default=None)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address for `request` (a string; "unknown" if nothing usable was sent)."""
    networks = _networks(tuple(settings.MINXIN_TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return "unknown"
    if not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            return str(remote)  # a malformed hop: nothing further left can be trusted
        if not _trusted(address, networks):
            return str(address)
    return str(remote)  # only proxies: the request came from the proxy itself


def current_client_ip() -> str | None:
    """The address of the request being served (None outside a request: the CLI, the worker)."""
    return _current.get()


class ClientAddressMiddleware:
    """Resolves the client's address once per request, for the audit log of whatever the request writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
