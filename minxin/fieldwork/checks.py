"""Input checks shared by the field-work services: time, place, photos, scope.

Each raises `DomainError` with a machine-readable code, a plain Chinese message and the field it
concerns, so forms, the API and the sync endpoint all report the same reason.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cadres.models import Cadre
from minxin.core.errors import DomainError
from minxin.core.guards import require_scope
from minxin.core.validation import check_text  # noqa: F401 - the field-work services' text check
from minxin.fieldwork import photos

# A phone's clock may run a little ahead of the server's; anything beyond this is "in the future".
CLOCK_TOLERANCE = datetime.timedelta(minutes=10)

PNG = b"\x89PNG\r\n\x1a\n"
# What a browser showing a photo decodes is bounded: a small file may declare 30,000² pixels.
PHOTO_MAX_SIDE = 16_384
PHOTO_MAX_PIXELS = 60_000_000
JPEG = b"\xff\xd8\xff"


def require_village(actor, village_code: str, *, field: str = "village") -> None:
    require_scope(actor, village_code, field=field, error="outside_scope",
                  message=_("该村不存在或不在您的管辖范围内。"))


def require_household(actor, household, *, field: str = "household_id") -> None:
    if household is None or not actor.in_scope(household.village_id):
        raise DomainError("household_outside_scope", _("该农户不存在或不在您的管辖范围内。"), field=field)


def cadre_of(actor):
    """The cadre record of the acting user; field records are made by cadres."""
    cadre = getattr(actor, "_fieldwork_cadre", None)
    if cadre is None:
        cadre = Cadre.objects.filter(user_id=actor.pk).first()
        actor._fieldwork_cadre = cadre
    return cadre


def require_cadre(actor):
    cadre = cadre_of(actor)
    if cadre is None:
        raise DomainError("not_a_cadre", _("只有驻村干部本人可以记录走访和民情日记。"))
    return cadre


def check_time(value: datetime.datetime | None, *, field: str = "occurred_at") -> datetime.datetime:
    if value is None:
        raise DomainError("required", _("请填写时间。"), field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_TOLERANCE:
        try:
            shown = timezone.localtime(value)
        except OverflowError:  # 9999-12-31 at -14:00 is in the year 10000 here: shown as sent
            shown = value
        raise DomainError("future_date", _("时间 %(t)s 还没有到，不能记录将来的事。")
                          % {"t": shown.strftime("%Y-%m-%d %H:%M")}, field=field)
    if value.year < 2000:
        raise DomainError("invalid_date", _("时间 %(t)s 不合理。") % {"t": value.date()}, field=field)
    return value


def _degrees(value, field: str) -> Decimal:
    try:
        degrees = Decimal(str(value)).quantize(Decimal("0.000001"))  # infinity cannot be quantized
    except (InvalidOperation, ValueError):
        degrees = None
    if degrees is None or not degrees.is_finite():  # NaN from a JSON body
        raise DomainError("invalid_location", _("经纬度必须是数字。"), field=field)
    return degrees


def check_place(lat, lon, accuracy_m=None) -> tuple:
    """Coordinates are optional, but come as a pair and within range (WGS-84 degrees)."""
    if lat in (None, "") and lon in (None, ""):
        return None, None, None
    if lat in (None, "") or lon in (None, ""):
        raise DomainError("incomplete_location", _("经度和纬度需同时填写。"), field="lat" if lat in (None, "") else "lon")
    lat, lon = _degrees(lat, "lat"), _degrees(lon, "lon")
    if not Decimal(-90) <= lat <= Decimal(90):
        raise DomainError("invalid_location", _("纬度 %(v)s 超出范围（-90 至 90）。") % {"v": lat}, field="lat")
    if not Decimal(-180) <= lon <= Decimal(180):
        raise DomainError("invalid_location", _("经度 %(v)s 超出范围（-180 至 180）。") % {"v": lon}, field="lon")
    if accuracy_m not in (None, ""):
        try:
            accuracy_m = int(round(float(accuracy_m)))  # NaN is a ValueError here, infinity an OverflowError
        except (TypeError, ValueError, OverflowError):
            raise DomainError("invalid_accuracy", _("定位精度必须是数字（米）。"), field="accuracy_m") from None
        if not 0 <= accuracy_m <= 100_000:
            raise DomainError("invalid_accuracy", _("定位精度 %(v)s 米不合理。") % {"v": accuracy_m},
                              field="accuracy_m")
    else:
        accuracy_m = None
    return lat, lon, accuracy_m


def is_late(*, device_time, occurred_at, received_at) -> bool:
    """Possibly back-dated: made (or dated) far earlier than it reached the server."""
    limit = datetime.timedelta(hours=settings.MINXIN_SYNC_LATE_HOURS)
    earliest = min(t for t in (device_time, occurred_at) if t is not None)
    return received_at - earliest > limit


def image_type(data: bytes) -> str | None:
    """The image type from the file's first bytes (PNG, JPEG or WebP), or None."""
    if data.startswith(PNG):
        return "image/png"
    if data.startswith(JPEG):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_photo(upload) -> bytes:
    """An uploaded photo's bytes, read no further than one byte past the cap (check_photo refuses it)."""
    return upload.read(settings.MINXIN_PHOTO_MAX_BYTES + 1)


def check_photo(data: bytes) -> tuple[str, bytes]:
    """The photo's type and its bytes without metadata (fieldwork.photos). Size limit first (cheap),
    then the magic bytes (a renamed text file is not a photo), then the format's own structure and
    the size in pixels it declares."""
    limit = settings.MINXIN_PHOTO_MAX_BYTES
    if len(data) > limit:
        raise DomainError("photo_too_large", _("照片过大（%(size).1f MB），最大 %(limit).1f MB。")
                          % {"size": len(data) / 1_048_576, "limit": limit / 1_048_576}, field="photo")
    if not data:
        raise DomainError("photo_empty", _("照片文件是空的。"), field="photo")
    kind = image_type(data)
    if kind is None:
        raise DomainError("not_an_image", _("文件不是照片（只接受 JPEG、PNG、WebP）。"), field="photo")
    try:
        width, height = photos.pixel_size(data, kind)
        kept = photos.without_metadata(data, kind)
    except photos.BadImage:
        raise DomainError("bad_image", _("照片文件已损坏，读不出尺寸。"), field="photo") from None
    if not (0 < width <= PHOTO_MAX_SIDE and 0 < height <= PHOTO_MAX_SIDE and width * height <= PHOTO_MAX_PIXELS):
        raise DomainError("photo_too_large", _("照片尺寸过大（%(w)d×%(h)d 像素），最多 %(mp)d 百万像素、边长 %(side)d 像素。")
                          % {"w": width, "h": height, "mp": PHOTO_MAX_PIXELS // 1_000_000, "side": PHOTO_MAX_SIDE},
                          field="photo")
    return kind, kept
