"""The ninja API at /api/v1/. Each app contributes its own router; errors share one format:
{"error": {"code": "...", "message": "...", "details": [...]}}.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from minxin.accounts.api import router as accounts_router
from minxin.api.auth import ActiveSession, BearerToken
from minxin.assessment.api import router as assessment_router
from minxin.cadres.api import router as cadres_router
from minxin.core.errors import DomainError
from minxin.disputes import api as disputes_api
from minxin.fieldwork import api as fieldwork_api
from minxin.fund.api import router as fund_router
from minxin.party import api as party_api
from minxin.regions.api import router as regions_router
from minxin.regions.codes import InvalidRegionCode
from minxin.registry.api import router as registry_router
from minxin.reports.api import router as reports_router
from minxin.rooms import api as rooms_api


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese stays readable in answers (UTF-8), instead of \\uXXXX escapes."""

    json_dumps_params = {"ensure_ascii": False}


# The error answers every route may give, documented once for all of them in the OpenAPI schema.
ERROR_ANSWERS = {
    "400": "请求有误（参数或内容不合规则）",
    "401": "未认证：缺少或无效的令牌",
    "403": "无权执行（角色不允许）",
    "404": "对象不存在或不在管辖范围内",
    "422": "参数格式不正确",
    "429": "请求过于频繁",
}
# … and those that take a body (JSON or a file) beyond DATA_UPLOAD_MAX_MEMORY_SIZE or their own cap.
BODY_TOO_LARGE = "请求内容过大"
_ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array", "items": {}}}}},
}


class MinxinAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_ANSWERS.items():
                    operation["responses"].setdefault(status, {"description": description, "content": body})
                if "requestBody" in operation:
                    operation["responses"].setdefault("413", {"description": BODY_TOO_LARGE, "content": body})
        return schema


api = MinxinAPI(
    renderer=UnicodeJSONRenderer(),
    title="Minxin API",
    version="1",
    description="民心 — 驻村工作平台 API。认证：Authorization: Bearer <令牌>（`minxin issue-token`），或浏览器会话。",
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
)


def error_response(request, status: int, code: str, message: str, details: list | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details or []}}, status=status
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, 401, "unauthenticated", _("需要有效的 API 令牌或登录会话。"))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", _("对象不存在。"))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, "forbidden", str(exc) or _("您的角色无权查看或执行此操作。"))


@api.exception_handler(InvalidRegionCode)
def _bad_region(request, exc):
    return error_response(request, 400, "invalid_region_code", str(exc))


@api.exception_handler(DomainError)
def _domain(request, exc: DomainError):
    """A rule's refusal; one that concerns a field names it in `details`, as a 422's do."""
    details = exc.details or ([{"field": exc.field, "message": exc.message}] if exc.field else [])
    return error_response(request, exc.status, exc.code, exc.message, details)


_WHERE = {"body", "query", "path", "form", "file", "header", "cookie"}  # ninja's sources, not a field's name


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    """Each field as the client names it (`title`, `records.0.uuid`), not as ninja locates it
    (`body.body.title`)."""
    details = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        while len(loc) > 1 and loc[0] in _WHERE:
            loc.pop(0)
        details.append({"field": ".".join(loc), "message": error.get("msg", "")})
    return error_response(request, 422, "invalid_input", _("请求参数不正确。"), details)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):  # a session's POST without the page's token
        return error_response(request, 403, "csrf_failed",
                              _("页面已过期，或请求不是从本系统的页面发出的。请刷新页面后重新提交。"))
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    """What Django itself answers 400 (or 413 for a body past its cap), in the API's format."""
    if isinstance(exc, RequestDataTooBig):
        return error_response(request, 413, "too_large", _("请求内容过大。"))
    return error_response(request, 400, "bad_request", _("请求有误。"))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    """A fault of ours: logged with its traceback as Django logs a 500, answered in the API's format."""
    logging.getLogger("django.request").error("Internal Server Error: %s", request.path, exc_info=exc,
                                              extra={"status_code": 500, "request": request})
    response = error_response(request, 500, "internal_error", _("服务器出现意外错误，已记录；请联系系统管理员。"))
    response._has_been_logged = True  # Django's own line for a 500 would repeat this one, without the traceback
    return response


def _register_routers() -> None:
    api.add_router("/regions", regions_router)
    api.add_router("/regions", reports_router)
    api.add_router("/cadres", cadres_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/sync", fieldwork_api.sync_router)
    api.add_router("/field", fieldwork_api.field_router)
    api.add_router("/visits", fieldwork_api.visits_router)
    api.add_router("/requests", fieldwork_api.requests_router)
    api.add_router("/coverage", fieldwork_api.coverage_router)
    api.add_router("/households", registry_router)
    api.add_router("/todo", accounts_router)
    api.add_router("/disputes", disputes_api.disputes_router)
    api.add_router("/petitions", disputes_api.petitions_router)
    api.add_router("/rooms", rooms_api.router)
    api.add_router("/fund", fund_router)
    api.add_router("/party", party_api.router)


_register_routers()
