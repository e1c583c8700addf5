"""API authentication: a bearer token, or the browser session (with CSRF for writes)."""

from ninja.security import HttpBearer, SessionAuth

from minxin.accounts.selectors import token_for_key


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = token_for_key(token)
        if api_token is None:
            return None
        api_token.touch()
        request.user = api_token.user
        return api_token.user


class ActiveSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
