"""Sealing a county sheet's identifiers in a second process while the sheet is still being checked.

Sealing costs ≈5 µs a value (two AES-GCM encryptions, two keyed digests): 4–5 s of a county import's
760,000 ID numbers and phones, which the importer used to spend writing, with the second CPU idle.
`Presealed` hands the values to a worker process as the checks find them (`submit`), once there
are enough to be worth a process; the writer then takes each value's envelope from it
(`seal_with_digests`), or seals it on the spot — a small sheet, a value never submitted, or a
worker that failed. The worker (`python -m minxin.core.presealing`) is a plain child process, not a
multiprocessing one, so it never re-imports the caller's main module. The keys reach it as its
first frame on stdin (never on its command line or in its environment); it reads no database and
writes nothing but its answers.
"""

import contextlib
import logging
import subprocess
import sys
import threading
from typing import IO

from django.conf import settings

from minxin.core import frames, sealing

logger = logging.getLogger(__name__)

START_AT = 20_000  # values submitted before a worker is worth starting (≈0.1 s of sealing)


class Presealed:
    """Identifiers sealed ahead of their write (use with contextlib.closing)."""

    def __init__(self) -> None:
        self._pending: list[tuple[str, list[str]]] = []
        self._waiting = 0
        self._process: subprocess.Popen | None = None
        # The worker's answers, in the order of self._asked, as the frames came: a county's 760,000
        # envelopes take 45 MB less so while the sheet is still being read (and its reader holds it).
        self._answers: list[bytes] = []
        self._asked: list[tuple[str, list[str]]] = []
        self._reader: threading.Thread | None = None
        self._sealed: dict[str, dict[str, str]] | None = None  # kind → value → envelope

    def submit(self, kind: str, values: list[str]) -> None:
        """Values of `kind` ("id_number", "phone") that will probably be written: plain, normalised."""
        if not values or self._sealed is not None:
            return
        self._pending.append((kind, values))
        self._waiting += len(values)
        if self._process is None and self._waiting < START_AT:
            return
        try:
            stdin = self._start() if self._process is None else self._process.stdin
            assert stdin is not None  # noqa: S101 - a pipe, as _start asks
            for pending in self._pending:
                frames.send(stdin, pending)
                self._asked.append(pending)
            stdin.flush()
        except OSError as exc:  # no process, or it ended: what it has not sealed is sealed on the spot
            logger.warning("presealing stopped, sealing in this process: %s", exc)
            self.close()
        self._pending, self._waiting = [], 0

    def _start(self) -> IO[bytes]:
        process = self._process = frames.start("minxin.core.presealing", stdin=subprocess.PIPE)
        assert process.stdin is not None and process.stdout is not None  # noqa: S101 - both are pipes
        frames.send(process.stdin, (settings.MINXIN_IDENTIFIER_KEYS, settings.MINXIN_LOOKUP_KEY))
        # Answers are read as they come, so that neither pipe fills while the other side waits.
        self._reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._reader.start()
        return process.stdin

    def _read(self, stdout: IO[bytes]) -> None:
        while (answer := frames.receive_payload(stdout)) is not None:
            self._answers.append(answer)

    def _gathered(self) -> dict[str, dict[str, str]]:
        if self._sealed is None:
            self._sealed = {}
            self._finish()
            for index, ((kind, values), answer) in enumerate(zip(self._asked, self._answers, strict=False)):
                self._answers[index] = b""  # each frame freed as its envelopes are taken
                self._sealed.setdefault(kind, {}).update(zip(values, frames.value_of(answer), strict=True))
        return self._sealed

    def seal_with_digests(self, value: str, kind: str) -> tuple[str, str, str]:
        """As sealing.seal_with_digests: the worker's result when it sealed the value."""
        envelope = self._gathered().get(kind, {}).get(value)
        return sealing.seal_with_digests(value, kind) if envelope is None else sealing.with_digests(envelope)

    def seal(self, value: str, kind: str) -> str:
        return self.seal_with_digests(value, kind)[0]

    def _finish(self, *, stop: bool = False) -> None:
        """Tell the worker there is no more (it ends after its last answer), or `stop` it; wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        if stop:
            process.kill()
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # a worker that ended early leaves a broken pipe
                process.stdin.close()
        if self._reader is not None:
            self._reader.join()
        if process.wait() != 0 and not stop:
            logger.warning("presealing worker ended with %s; the rest is sealed in this process", process.returncode)

    def close(self) -> None:
        """No more presealing (the import is written, refused or failed): the worker ends."""
        if self._sealed is None:
            self._sealed = {}
        self._finish(stop=True)
        self._pending, self._asked, self._answers = [], [], []


def main() -> None:
    """The worker: the keys, then (kind, values) frames, each answered with the values' envelopes
    (their digests are read off them: a county's 760,000 take 160 MB less kept as envelopes alone)."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    identifier_keys, lookup_key = frames.receive(stdin)
    keys = sealing.Keys(identifier_keys, lookup_key)
    while (request := frames.receive(stdin)) is not None:
        kind, values = request
        frames.send(stdout, [sealing.seal_with_digests(value, kind, keys)[0] for value in values])
        stdout.flush()


if __name__ == "__main__":
    main()
