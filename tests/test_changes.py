"""The watch every database test keeps on what an action writes (tests/changes.py, the autouse
fixture `action_watch` in tests/conftest.py): it must see a service's block, its writes and its
events, and fail when a counted table is written that the actions do not name."""

import pytest
from django.db import transaction
from django.utils import timezone

from minxin.core import audit
from minxin.disputes import services
from minxin.disputes.models import DisputeStep, Screening

pytestmark = pytest.mark.django_db


def _screened(world):
    services.screening_record(actor=world.users["tdw_clerk"], village=world.village("tdw"),
                              screened_on=timezone.localdate())


def test_a_service_that_writes_what_its_action_names_passes(world, action_watch):
    _screened(world)
    assert action_watch.wrong == [] and action_watch.open == []


def test_a_service_that_writes_a_counted_table_its_action_does_not_name_is_caught(world, action_watch,
                                                                                   monkeypatch):
    monkeypatch.setitem(audit._CHANGES, "screening.record", audit.labels((DisputeStep,)))
    _screened(world)
    assert action_watch.wrong == ["['screening.record'] wrote ['disputes.screening'] without naming them"]
    action_watch.wrong.clear()  # seen: the test passes


def test_a_block_inside_a_service_belongs_to_its_unit(world, action_watch, monkeypatch):
    monkeypatch.setitem(audit._CHANGES, "screening.record", audit.labels((DisputeStep,)))
    with transaction.atomic():
        _screened(world)  # its block is inside this one: checked when the outer one ends
        assert action_watch.wrong == [] and action_watch.written == {"disputes.screening"}
    assert len(action_watch.wrong) == 1
    action_watch.wrong.clear()


def test_an_action_nobody_named_and_a_rolled_back_block_are_not_checked(world, action_watch, monkeypatch):
    monkeypatch.delitem(audit._CHANGES, "screening.record")
    _screened(world)  # counts its village in full
    monkeypatch.setitem(audit._CHANGES, "screening.record", frozenset())
    with pytest.raises(RuntimeError), transaction.atomic():
        Screening.objects.create(village=world.village("tdw"), screened_on=timezone.localdate())
        action_watch.recorded(["screening.record"])
        raise RuntimeError
    assert action_watch.wrong == [] and action_watch.written == set() and action_watch.actions == []


def test_a_block_rolled_back_inside_a_service_leaves_nothing_to_its_unit(world, action_watch, monkeypatch):
    """A batch (a sync) whose one record fails: that record's writes are undone with its block."""
    monkeypatch.setitem(audit._CHANGES, "screening.record", frozenset())
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Screening.objects.create(village=world.village("tdw"), screened_on=timezone.localdate())
            raise RuntimeError
        assert action_watch.written == set()
        action_watch.recorded(["screening.record"])
    assert action_watch.wrong == []
