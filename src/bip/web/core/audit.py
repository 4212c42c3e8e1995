"""The audit log: append entries to a hash chain, and verify the chain.

Every entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's own content
(:func:`digest`), and entries are numbered 1, 2, 3, ... without gaps (``seq``). Changing an
entry breaks its hash, removing one leaves a gap, inserting one breaks the next entry's link;
:func:`verify` reports the first such break (``bip audit verify``).

Writes are serialised by locking the one :class:`AuditHead` row until the transaction
commits, so write the audit entry as the last step of a transaction (services and selectors do)
and take no other lock after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bip.web.core.models import AuditHead, AuditLog

GENESIS = "0" * 64  # the "previous hash" of the first entry
_FIELDS = (
    "seq",
    "at",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "detail",
    "flagged",
    "prev_hash",
    "hash",
)


def digest(
    prev_hash: str,
    *,
    seq: int,
    at: dt.datetime,
    username: str,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: str,
    flagged: bool,
) -> str:
    """The hash of one entry: SHA-256 over the previous hash and the entry's fields as JSON."""
    at_utc = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = [seq, at_utc, username, role, action, object_type, object_id, detail, flagged]
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _locked_head() -> tuple[int, str] | None:
    # the SQL of AuditHead.objects.select_for_update().filter(pk=1), written out: every request
    # writes an entry, and building these two statements through the ORM cost 2 ms of CPU each
    # time, running them 0.5 ms (bench/profile_api_create.py)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT seq, hash FROM {_head_table()} WHERE id = %s{lock}", [1])
        row = cur.fetchone()
    return (int(row[0]), str(row[1])) if row is not None else None


def _head_table() -> str:
    return connection.ops.quote_name(AuditHead._meta.db_table)


def _head() -> tuple[int, str]:
    """The chain's head (seq, hash), locked until commit (created on first use and after a
    flush)."""
    head = _locked_head()
    if head is not None:
        return head
    last = AuditLog.objects.order_by("-seq").values_list("seq", "hash").first()
    try:
        with transaction.atomic():
            AuditHead.objects.create(
                pk=1, seq=last[0] if last else 0, hash=last[1] if last else GENESIS
            )
    except IntegrityError:
        pass  # another request created it at the same moment
    head = _locked_head()
    assert head is not None
    return head


def _role_of(user) -> str:
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return getattr(profile, "role", None) or "-"


def audit(
    user,
    role: str | None,
    action: str,
    object_type: str,
    object_id: str = "",
    detail: str = "",
    *,
    flagged: bool = False,
) -> AuditLog:
    """Append one entry and return it. ``role`` None means the user's own role.

    ``user`` may be a user, None (nobody logged in) or a user name (a failed login).
    ``detail`` must never hold a CPR number (callers pass pseudonyms only).
    """
    username = user if isinstance(user, str) else getattr(user, "username", "") or "-"
    # no savepoint of its own: a failed audit write fails the whole transaction, as it must
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _head()
        fields = {
            "seq": head_seq + 1,
            "at": timezone.now(),
            "username": username[:150],
            "role": (role or _role_of(user))[:16],
            "action": action[:40],
            "object_type": object_type[:40],
            "object_id": str(object_id).replace("\x00", "\ufffd")[:64],
            # PostgreSQL text cannot hold NUL; a client can send one in a field name.
            "detail": str(detail).replace("\x00", "\ufffd")[:300],
            "flagged": bool(flagged),
        }
        entry = AuditLog(**fields, prev_hash=head_hash, hash=digest(head_hash, **fields))
        entry.save(force_insert=True)
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {_head_table()} SET seq = %s, hash = %s WHERE id = %s",
                [entry.seq, entry.hash, 1],
            )
    return entry


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: ``ok``, how many entries were checked, the first break."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        """One line for the command line."""
        if self.ok:
            return (
                f"audit log intact: {self.checked} entries, newest #{self.head_seq} "
                f"hash {self.head_hash}"
            )
        return f"audit log BROKEN at entry #{self.broken_seq}: {self.reason}"


def _rows(chunk: int) -> Iterator[tuple]:
    last = 0
    while True:
        batch = list(
            AuditLog.objects.filter(seq__gt=last).order_by("seq").values_list(*_FIELDS)[:chunk]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def verify(chunk: int = 5000) -> Verification:
    """Walk the chain from the first entry and report the first broken link, if any.

    Checks, entry by entry: the numbers run 1, 2, 3, ... (a gap is a removed entry), each
    entry points at the previous entry's hash (else one was removed or inserted), and each
    entry's hash matches its content (else it was changed). Finally the head row must name the
    newest entry. The removal of the newest entries together with a rewritten head is only
    visible against a copy of the head kept elsewhere: :attr:`Verification.head_hash`.
    """
    prev, expected, checked = GENESIS, 1, 0
    for row in _rows(chunk):
        r = dict(zip(_FIELDS, row, strict=True))
        seq = r["seq"]
        if seq != expected:
            return _broken(checked, seq, f"entries #{expected} to #{seq - 1} are missing")
        if r["prev_hash"] != prev:
            return _broken(
                checked,
                seq,
                "it does not point at the previous entry (one was removed or inserted)",
            )
        content = {k: r[k] for k in _FIELDS if k not in ("prev_hash", "hash")}
        if digest(prev, **content) != r["hash"]:
            return _broken(checked, seq, "its content does not match its hash (it was changed)")
        prev, expected, checked = r["hash"], seq + 1, checked + 1
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head is not None and head != (expected - 1, prev):
        return _broken(
            checked,
            expected - 1 if checked else 0,
            f"the newest entry is #{expected - 1} but the chain head names #{head[0]} "
            "(the newest entries were removed)",
        )
    return Verification(True, checked, expected - 1, prev)


def _broken(checked: int, seq: int, reason: str) -> Verification:
    return Verification(False, checked, -1, "", broken_seq=seq, reason=reason)
