"""A visit photo's size in pixels and its bytes without metadata, read from the formats' own headers
(JPEG segments, PNG chunks, WebP's RIFF chunks) — no imaging library: the platform never draws an
image (docs/decisions.md, "Photos without Pillow").

A phone's photo carries EXIF: the phone's position (its GPS tag: a villager's home), the time and
the device. The visit's own location is the cadre's choice (opt-in), so the photo keeps none: EXIF,
XMP, IPTC and comments are dropped — before the first scan, between a progressive JPEG's scans and
after its end (a trailer) — and the picture's own data is copied as it is. The size in
pixels bounds what a browser showing the photo must decode (a small file may declare 30,000²)."""

from collections.abc import Iterator

# JPEG markers kept before the picture data: APP0 (JFIF) and APP2 (the colour profile); every other
# application segment (APP1 EXIF/XMP, APP13 IPTC …) and comments (COM) are metadata.
_JPEG_DROPPED = {*range(0xE1, 0xF0), 0xFE} - {0xE2}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}  # SOFn
_JPEG_SOS = 0xDA
_JPEG_EOI = 0xD9
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROPPED = {b"EXIF", b"XMP "}
_VP8X_METADATA_FLAGS = 0x08 | 0x04  # EXIF, XMP


class BadImage(ValueError):
    """The bytes do not hold the structure their signature announces."""


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each segment after SOI, up to and including SOS (the picture data follows)."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise BadImage("jpeg")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if end <= i + 3 or end > len(data):
            raise BadImage("jpeg")
        yield marker, i, end
        if marker == _JPEG_SOS:
            return
        i = end
    raise BadImage("jpeg")


def _jpeg_scans(data: bytes, i: int) -> Iterator[tuple[int | None, int, int]]:
    """What follows the first scan's header at `i`: each scan's entropy-coded data (marker None), and
    the segments between scans (a progressive JPEG's tables and next scan headers, or anything a
    writer put there), up to and including EOI; nothing after EOI (a trailer). Inside the coded data
    0xFF is followed by 0x00 (a stuffed byte), a restart marker or another 0xFF (fill)."""
    n = len(data)
    while i < n:
        j = i
        while (j := data.find(b"\xff", j)) >= 0 and j + 1 < n and (
                data[j + 1] == 0x00 or 0xD0 <= data[j + 1] <= 0xD7 or data[j + 1] == 0xFF):
            j += 1 if data[j + 1] == 0xFF else 2
        if j < 0 or j + 1 >= n:  # no EOI: the data as it came
            yield None, i, n
            return
        if j > i:
            yield None, i, j
        marker = data[j + 1]
        if marker == _JPEG_EOI:
            yield marker, j, j + 2
            return
        end = j + 2 + int.from_bytes(data[j + 2:j + 4], "big")
        if j + 4 > n or end <= j + 3 or end > n:
            raise BadImage("jpeg")
        yield marker, j, end
        i = end


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(type, start, end) of each chunk after the signature."""
    i = len(_PNG_SIGNATURE)
    while i < len(data):
        if i + 12 > len(data):
            raise BadImage("png")
        end = i + 12 + int.from_bytes(data[i:i + 4], "big")
        if end > len(data):
            raise BadImage("png")
        yield data[i + 4:i + 8], i, end
        if data[i + 4:i + 8] == b"IEND":
            return  # what follows the image's end is no part of it
        i = end
    raise BadImage("png")  # no IEND


def _webp_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(fourcc, start, end) of each chunk after the RIFF header (a chunk is padded to an even size)."""
    i = 12
    while i < len(data):
        if i + 8 > len(data):
            raise BadImage("webp")
        size = int.from_bytes(data[i + 4:i + 8], "little")
        end = i + 8 + size + (size & 1)
        if end > len(data) + (size & 1):
            raise BadImage("webp")
        yield data[i:i + 4], i, min(end, len(data))
        i = end


def pixel_size(data: bytes, kind: str) -> tuple[int, int]:
    """(width, height) from the image's header; BadImage when there is none."""
    if kind == "image/jpeg":
        for marker, start, end in _jpeg_segments(data):
            if marker in _JPEG_FRAMES and end - start >= 9:
                return int.from_bytes(data[start + 7:start + 9], "big"), int.from_bytes(data[start + 5:start + 7], "big")
    elif kind == "image/png":
        for chunk, start, _end in _png_chunks(data):
            if chunk == b"IHDR":
                return int.from_bytes(data[start + 8:start + 12], "big"), int.from_bytes(data[start + 12:start + 16], "big")
            break  # IHDR comes first
    elif kind == "image/webp":
        for chunk, start, end in _webp_chunks(data):
            body = data[start + 8:end]
            if chunk == b"VP8X" and len(body) >= 10:
                return 1 + int.from_bytes(body[4:7], "little"), 1 + int.from_bytes(body[7:10], "little")
            if chunk == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
                return int.from_bytes(body[6:8], "little") & 0x3FFF, int.from_bytes(body[8:10], "little") & 0x3FFF
            if chunk == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
                bits = int.from_bytes(body[1:5], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise BadImage(kind)


def without_metadata(data: bytes, kind: str) -> bytes:
    """The image with its EXIF, XMP, IPTC and text metadata left out, its picture data unchanged."""
    if kind == "image/jpeg":
        kept, scans = [data[:2]], 2
        for marker, start, scans in _jpeg_segments(data):
            if marker not in _JPEG_DROPPED:
                kept.append(data[start:scans])
        kept += [data[start:end] for marker, start, end in _jpeg_scans(data, scans) if marker not in _JPEG_DROPPED]
        return b"".join(kept)
    if kind == "image/png":
        return _PNG_SIGNATURE + b"".join(data[start:end] for chunk, start, end in _png_chunks(data)
                                         if chunk not in _PNG_DROPPED)
    if kind == "image/webp":
        chunks = []
        for chunk, start, end in _webp_chunks(data):
            if chunk in _WEBP_DROPPED:
                continue
            piece = bytearray(data[start:end])
            if chunk == b"VP8X" and len(piece) > 8:
                piece[8] &= ~_VP8X_METADATA_FLAGS & 0xFF
            chunks.append(bytes(piece))
        body = b"WEBP" + b"".join(chunks)
        return b"RIFF" + len(body).to_bytes(4, "little") + body
    raise BadImage(kind)
