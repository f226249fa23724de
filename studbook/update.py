"""An updated export of the same studbook against the stored one: what is added, changed, same.

The usual yearly re-import (``studbook import --update``) sends the whole studbook again. This
module sorts its animals and events into added, changed (with the fields that differ) and
unchanged, so the command line can show a preview and the database write only the difference.
Two records are the same when every field is (the file line aside); two events are the same
when animal, date, event, institution, local id, cause and notes are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from studbook.events import EventRecord
from studbook.present import counted
from studbook.records import AnimalRecord

__all__ = ["UpdatePreview", "compare_update"]

_COMPARED = [f.name for f in fields(AnimalRecord) if f.name != "line"]


@dataclass
class UpdatePreview:
    """The difference between a file and the studbook, by animal and event."""

    added: list[AnimalRecord] = field(default_factory=list)
    changed: list[tuple[AnimalRecord, list[str]]] = field(default_factory=list)
    """The file's record and the names of the fields that differ from the stored one."""
    unchanged: list[str] = field(default_factory=list)
    added_events: list[EventRecord] = field(default_factory=list)
    unchanged_events: int = 0

    def lines(self, shown: int = 10) -> list[str]:
        """The preview for a person: counts, then the first ``shown`` changed animals."""
        out = [
            f"update: {counted(len(self.added), 'animal')} added, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged; {counted(len(self.added_events), 'event')} added, "
            f"{self.unchanged_events} unchanged"
        ]
        out += [f"  changed {r.id}: {', '.join(names)}" for r, names in self.changed[:shown]]
        if len(self.changed) > shown:
            out.append(f"  ... and {len(self.changed) - shown} more changed animals")
        return out


def _event_key(event: EventRecord) -> tuple[object, ...]:
    return (
        event.animal_id,
        event.date,
        event.event,
        event.institution,
        event.local_id,
        event.cause,
        event.notes,
    )


def compare_update(
    records: Sequence[AnimalRecord],
    stored: Mapping[str, AnimalRecord],
    events: Sequence[EventRecord] = (),
    stored_events: Iterable[EventRecord] = (),
) -> UpdatePreview:
    """Sort ``records`` and ``events`` of an updated file against the ``stored`` studbook.

    An event the file gives as often as the studbook holds it is unchanged; extra copies
    are added.

    >>> from studbook.records import AnimalRecord
    >>> old = {"A": AnimalRecord("A", sex="M"), "B": AnimalRecord("B", sex="F")}
    >>> p = compare_update([AnimalRecord("A", sex="M"), AnimalRecord("B", sex="F", notes="x"),
    ...                     AnimalRecord("C")], old)
    >>> [r.id for r in p.added], p.changed[0][1], p.unchanged
    (['C'], ['notes'], ['A'])
    """
    preview = UpdatePreview()
    for record in records:
        before = stored.get(record.id)
        if before is None:
            preview.added.append(record)
            continue
        if replace(before, line=None) == replace(record, line=None):
            preview.unchanged.append(record.id)
            continue
        names = [n for n in _COMPARED if getattr(before, n) != getattr(record, n)]
        preview.changed.append((record, names))
    held = Counter(_event_key(e) for e in stored_events)
    for event in events:
        key = _event_key(event)
        if held[key]:
            held[key] -= 1
            preview.unchanged_events += 1
        else:
            preview.added_events.append(event)
    return preview
