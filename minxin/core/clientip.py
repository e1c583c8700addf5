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
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from minxin.core.middleware import Middleware

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_current: ContextVar[str | None] = ContextVar("minxin_client_ip", default=None)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> IPAddress | None:
    """The address in `text`, or None. An IPv6 zone ("%eth0") is dropped, and an IPv4-mapped IPv6
    address (a server listening on [::]) is its IPv4 address, so that 127.0.0.1 in
    MINXIN_TRUSTED_PROXIES matches ::ffff:127.0.0.1 too."""
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress | None, networks: tuple) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for `request`, or None when the request carries no usable address (a
    request built in code, e.g. the test client's force_login; a server bound to a Unix socket).
    None, never a made-up string: the audit log and the lockout store it in an IP address column,
    which PostgreSQL checks. A rate limit keys such requests together (`client_ip(r) or "unknown"`)."""
    networks = _networks(tuple(settings.MINXIN_TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
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


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request reached us through one of MINXIN_TRUSTED_PROXIES (so the headers that
    proxy sets — X-Forwarded-For, X-Request-ID — are its own, not the client's)."""
    return _trusted(_address(request.META.get("REMOTE_ADDR") or ""), _networks(tuple(settings.MINXIN_TRUSTED_PROXIES)))


def current_client_ip() -> str | None:
    """The address of the request being served (None outside a request: the CLI, the worker)."""
    return _current.get()


class ClientAddressMiddleware(Middleware):
    """Resolves the client's address once per request, for the audit log of whatever the request writes."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _current.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
