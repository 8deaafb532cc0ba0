"""Kue's job states and priorities, with pykue's validation of both."""

from __future__ import annotations

import enum

from pykue.errors import InvalidPriority, InvalidState


class JobState(enum.StrEnum):
    """The five states of a Kue job (the UI calls ``inactive`` "Queued")."""

    INACTIVE = "inactive"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    DELAYED = "delayed"

    @classmethod
    def parse(cls, value: str | JobState) -> JobState:
        """The state named ``value``; ``InvalidState`` for anything else."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise InvalidState(f"invalid state {value!r}: expected one of {names}") from None


MAX_PRIORITY = 2**53  # scores are doubles, and JSON readers (Kue's UI) need exact integers


class Priority(enum.IntEnum):
    """Kue's named priorities. Lower is picked first; any integer is a valid priority."""

    LOW = 10
    NORMAL = 0
    MEDIUM = -5
    HIGH = -10
    CRITICAL = -15

    @classmethod
    def parse(cls, value: int | str | Priority) -> int:
        """An integer priority from a name (``"high"``), an int, or an integer string."""
        if isinstance(value, bool):
            raise InvalidPriority(f"invalid priority {value!r}")
        if isinstance(value, int) and abs(value) <= MAX_PRIORITY:
            return int(value)
        if isinstance(value, str):
            text = value.strip()
            if text.upper() in cls.__members__:
                return int(cls[text.upper()])
            try:
                number = int(text)
            except ValueError:
                number = MAX_PRIORITY + 1
            if abs(number) <= MAX_PRIORITY:
                return number
        names = ", ".join(m.lower() for m in cls.__members__)
        raise InvalidPriority(f"invalid priority {value!r}: expected an integer or {names}")

    @classmethod
    def name_of(cls, value: int) -> str | None:
        """Kue's name of an integer priority, if it has one."""
        try:
            return cls(value).name.lower()
        except ValueError:
            return None
