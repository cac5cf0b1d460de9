"""What a delivery did, for the run summary and the exit status."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One email (or one refused recipient of it)."""

    school: str
    recipient: str
    detail: str = ""
    earlier: bool = False  # the ledger holds this outcome from an earlier run


@dataclass
class DeliveryReport:
    method: str  # "outbox", "smtp" or "gmail"
    where: str  # the outbox folder, the mail server's host:port, or "Gmail API as …"
    week: str = ""
    written: int = 0  # outbox: .eml files written
    sent: list[Line] = field(default_factory=list)
    already_sent: list[Line] = field(default_factory=list)
    failed: list[Line] = field(default_factory=list)
    unknown: list[Line] = field(default_factory=list)
    refused: list[Line] = field(default_factory=list)
    held: list[Line] = field(default_factory=list)
    """Not sent on purpose: a source the school's figures depend on could not be used."""
    waiting: list[Line] = field(default_factory=list)
    """Not tried, because sending stopped (see `stopped`); the next run sends them."""
    stopped: str = ""
    setup_missing: bool = False
    """Sending stopped because the provider refused the job's credentials: a set-up step."""

    @property
    def count(self) -> int:
        """Emails delivered by this run: sent now, or written to the outbox."""
        return len(self.sent) + self.written

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.failed) + sum(not u.earlier for u in self.unknown)

    @property
    def incomplete(self) -> bool:
        """The run could not do its delivery: emails are still waiting, or it tried to send
        some and the server took none of them."""
        return bool(self.waiting) or (self.attempted > 0 and not self.sent)
