"""The unit of work: one transaction that talkzone's use cases write through.

Only the unit of work commits. A use case adds and changes rows in ``uow.session``; whoever
started the work (the portal for one request, a command, the outbox worker) commits it
once at the end, so a submission's record, audit events, outbox rows and the deletion of
its draft are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

# Its flush listeners keep the reports' roll-up in step with the items in every unit of work.
from talkzone import rollup  # noqa: F401


class UnitOfWork:
    """A session and its transaction; ``with`` it to roll back on error and close at the end."""

    def __init__(self, session: Session | Callable[[], Session]):
        # A factory is called at once; a session passed in stays the caller's to close.
        self._owns = not isinstance(session, Session)
        self.session: Session = session() if self._owns else session
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.rollback()
        if self._owns:
            self.close()

    def commit(self) -> None:
        """Store everything done in this unit of work (the only commit in talkzone)."""
        self.session.commit()
        self.committed = True

    def rollback(self) -> None:
        """Undo everything not yet committed."""
        self.session.rollback()

    def close(self) -> None:
        """Give the connection back; anything uncommitted is rolled back."""
        self.session.close()
