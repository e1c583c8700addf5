"""Response headers that every page gets."""

from django.conf import settings

# Scripts only from our own origin (no inline scripts); styles allow inline attributes, which
# Bootstrap components and ECharts set. Tile servers are added only when a deployment sets one.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:{tiles}; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        tiles = getattr(settings, "MINXIN_TILE_ORIGIN", "")
        self.csp = _CSP.format(tiles=f" {tiles}" if tiles else "")

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
        return response


class ChineseFirstMiddleware:
    """The interface is simplified Chinese unless the user picks another language with the switch
    (a cookie): the browser's Accept-Language is ignored, so an English-language browser or phone
    setting never turns a county official's screens into English by surprise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
