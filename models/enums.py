"""Enums with their legal transitions, declared once."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class PacketStatus(IntEnum):
    """Red packet states (SPEC §1.2). The integer codes are the stored values."""

    TO_SHARE = 0
    SPLITTING = 1
    SPLIT_OUT = 2
    EXPIRED = 3
    INVALID = 4

    @property
    def wire(self) -> str:
        return self.name.lower()

    @property
    def live(self) -> bool:
        return self in LIVE_STATUSES

    def can_become(self, target: PacketStatus) -> bool:
        return target in PACKET_TRANSITIONS.get(self, frozenset())


LIVE_STATUSES = frozenset({PacketStatus.TO_SHARE, PacketStatus.SPLITTING})

PACKET_TRANSITIONS: dict[PacketStatus, frozenset[PacketStatus]] = {
    PacketStatus.TO_SHARE: frozenset(
        {PacketStatus.SPLITTING, PacketStatus.SPLIT_OUT, PacketStatus.EXPIRED, PacketStatus.INVALID}
    ),
    PacketStatus.SPLITTING: frozenset({PacketStatus.SPLIT_OUT, PacketStatus.EXPIRED, PacketStatus.INVALID}),
    # a refund within the validity invalidates a packet even after it was split out
    PacketStatus.SPLIT_OUT: frozenset({PacketStatus.INVALID}),
}

# states a refund before expire_time moves to INVALID
REFUNDABLE_STATUSES = frozenset(s for s, targets in PACKET_TRANSITIONS.items() if PacketStatus.INVALID in targets)


class HelperKind(StrEnum):
    NEW = "new"
    OLD = "old"
    BLACKLISTED = "blacklisted"
    BLACK_OWNER = "black_owner"  # any helper of a blacklisted owner's packet: 1 fen, like BLACKLISTED


class LedgerKind(StrEnum):
    HELP_OWNER = "help_owner"
    HELP_HELPER = "help_helper"
    REVERSAL = "reversal"  # an owner's earnings from a packet taken back by a refund (negative)
    DEBIT = "debit"  # store credit spent at checkout (negative)
    DEBIT_REVERSAL = "debit_reversal"  # a cancelled checkout gives its debit back (positive)


class OrderEventType(StrEnum):
    CONFIRMED = "confirmed"
    REFUNDED = "refunded"


class OrderStatus(StrEnum):
    CONFIRMED = "confirmed"
    REFUNDED = "refunded"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class DomainEvent(StrEnum):
    """Red packet domain events written to the outbox."""

    ISSUED = "issued"
    SHARED = "shared"
    HELPED = "helped"
    SPLIT_OUT = "split_out"
    EXPIRED = "expired"
    INVALIDATED = "invalidated"
