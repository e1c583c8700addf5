"""Length-prefixed marshal frames between Minxin and a helper process it starts (the sheet reader,
the sealing worker): an 8-byte little-endian length, then a marshal payload of plain values."""

import marshal
from typing import IO, Any

MAX_FRAME = 256 * 2**20  # a larger frame is refused as corrupt


def send(out: IO[bytes], value: Any) -> None:
    payload = marshal.dumps(value)
    out.write(len(payload).to_bytes(8, "little"))
    out.write(payload)


def receive(stream: IO[bytes]) -> Any:
    """The next frame's value; None at the end of the stream, or for a frame cut short or too large."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    if size > MAX_FRAME:
        return None
    payload = stream.read(size)
    return marshal.loads(payload) if len(payload) == size else None  # noqa: S302 - our own helper's frames
