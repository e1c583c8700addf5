"""Identifiers sealed in a worker process while a sheet is checked (core.presealing)."""

import contextlib

from minxin.core import presealing, sealing
from tests.world import make_id_number

NUMBERS = [make_id_number("19600101", n) for n in range(1, 41)]


def _no_sealing_here(value, kind, k=None):
    raise AssertionError(f"sealed in this process: {value}")


def _check_envelope(triple, value, kind="id_number"):
    envelope, whole, tail = triple
    assert envelope != value and sealing.is_sealed(envelope)
    assert sealing.reveal(envelope, kind) == value
    assert whole == sealing.digest(value) and tail == sealing.tail_digest(value)


def test_values_submitted_past_the_threshold_are_sealed_by_the_worker(monkeypatch):
    monkeypatch.setattr(presealing, "START_AT", 10)
    with contextlib.closing(presealing.Presealed()) as presealed:
        presealed.submit("id_number", NUMBERS[:5])  # under the threshold: kept back
        assert presealed._process is None
        presealed.submit("id_number", NUMBERS[5:])
        presealed.submit("phone", ["13912345678", "18687654321"])
        process = presealed._process
        assert process is not None
        assert all(settings_value not in " ".join(process.args) for settings_value in _keys())
        monkeypatch.setattr(sealing, "seal_with_digests", _no_sealing_here)  # this process seals nothing now
        for number in NUMBERS:
            _check_envelope(presealed.seal_with_digests(number, "id_number"), number)
        _check_envelope(presealed.seal_with_digests("13912345678", "phone"), "13912345678", "phone")
        assert process.returncode == 0  # the worker ended once its answers were taken


def test_a_small_sheet_starts_no_worker_and_a_value_never_submitted_is_sealed_here(monkeypatch):
    with contextlib.closing(presealing.Presealed()) as presealed:
        presealed.submit("id_number", NUMBERS[:3])
        assert presealed._process is None
        _check_envelope(presealed.seal_with_digests(NUMBERS[0], "id_number"), NUMBERS[0])
        _check_envelope(presealed.seal_with_digests(NUMBERS[10], "id_number"), NUMBERS[10])
    assert presealed.seal_with_digests("", "id_number") == ("", "", "")


def test_a_worker_that_dies_leaves_its_values_to_be_sealed_here(monkeypatch):
    monkeypatch.setattr(presealing, "START_AT", 1)
    with contextlib.closing(presealing.Presealed()) as presealed:
        presealed.submit("id_number", NUMBERS[:2])
        presealed._process.kill()
        presealed._process.wait()
        presealed.submit("id_number", NUMBERS[2:4])  # the pipe is broken: presealing stops, nothing fails
        for number in NUMBERS[:4]:
            _check_envelope(presealed.seal_with_digests(number, "id_number"), number)


def test_closing_before_the_write_stops_the_worker(monkeypatch):
    """A refused import closes its presealing unread: the worker is stopped, nothing is kept."""
    monkeypatch.setattr(presealing, "START_AT", 1)
    presealed = presealing.Presealed()
    presealed.submit("id_number", NUMBERS)
    process = presealed._process
    presealed.close()
    assert process.poll() is not None and presealed._process is None
    presealed.submit("id_number", NUMBERS)  # after closing: ignored
    assert presealed._process is None
    _check_envelope(presealed.seal_with_digests(NUMBERS[0], "id_number"), NUMBERS[0])


def _keys():
    from django.conf import settings

    return [settings.MINXIN_IDENTIFIER_KEYS.split(":", 1)[1].split(",")[0], settings.MINXIN_LOOKUP_KEY]
