"""Gapless, never-reused serial numbers per agency and year (索引号, 受理编号).

A counter row per key is locked (SELECT … FOR UPDATE) until the caller's transaction commits, so
concurrent callers queue on it and never share or skip a serial. On SQLite the whole database is
locked by the writing transaction (IMMEDIATE mode in settings), which gives the same guarantee."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def next_serial(counter_model, **key) -> int:
    """Increment and return the counter identified by `key` (e.g. agency_id=…, year=…). `counter_model` has
    those fields plus `last_serial`. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside a transaction")
    for _attempt in range(3):
        counter = counter_model.objects.select_for_update().filter(**key).first()
        if counter is not None:
            counter.last_serial += 1
            counter.save(update_fields=["last_serial"])
            return counter.last_serial
        try:
            with transaction.atomic():
                counter_model.objects.create(last_serial=0, **key)
        except IntegrityError:
            continue  # another transaction created it first; lock theirs on the next round
    raise ValidationError("编号分配失败，请重试。")  # three lost races in a row: a database fault


def reserve_up_to(counter_model, serial: int, **key) -> None:
    """Make sure the counter is at least `serial` (a legacy number imported as it was), so that later
    allocations continue after it instead of colliding with it."""
    next_value = next_serial(counter_model, **key)  # locks (creating if needed) and proves the row exists
    counter = counter_model.objects.get(**key)
    counter.last_serial = max(serial, next_value - 1)
    counter.save(update_fields=["last_serial"])
