"""The error a business rule raises, and the state of a time window (open, or closed and why)."""

from dataclasses import dataclass


class RegistrationError(Exception):
    """A rule refused the change; the message is German and meant for the person."""


@dataclass(frozen=True)
class WindowState:
    """Whether a form or action is open now; `reason` says in German why not."""

    is_open: bool
    reason: str = ""
