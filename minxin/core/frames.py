"""Helper processes Minxin starts (the sheet reader, the sealing worker) and the frames they
exchange with it: an 8-byte little-endian length, then a marshal payload of plain values."""

import contextlib
import fcntl
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

MAX_FRAME = 256 * 2**20  # a larger frame is refused as corrupt
# A helper's pipes are widened from Linux's 64 KB to its default cap (fs.pipe-max-size): a frame of
# a few hundred KB then passes in one read, where 64 KB pieces each waited for the interpreter's
# lock while the reading thread's process was busy (the sealing worker's answers, a sheet's rows).
PIPE_BYTES = 2**20


def send(out: IO[bytes], value: Any) -> None:
    payload = marshal.dumps(value)
    out.write(len(payload).to_bytes(8, "little"))
    out.write(payload)


def receive(stream: IO[bytes]) -> Any:
    """The next frame's value; None at the end of the stream, or for a frame cut short or too large."""
    payload = receive_payload(stream)
    return None if payload is None else value_of(payload)


def receive_payload(stream: IO[bytes]) -> bytes | None:
    """The next frame as it came (value_of reads it): a payload is smaller than its value."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    if size > MAX_FRAME:
        return None
    payload = stream.read(size)
    return payload if len(payload) == size else None


def value_of(payload: bytes) -> Any:
    return marshal.loads(payload)  # noqa: S302 - our own helpers' frames


def start(module: str, *args: str, **popen: Any) -> subprocess.Popen:
    """`python -m module args…` with this interpreter, the minxin package importable whatever the
    working directory; its stdout is a pipe (the frames), the rest as `popen` says."""
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds the minxin package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE, env=env, **popen)
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):  # not a pipe, or over the system's cap: as it is
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return process
