"""Answers kept running on the server (background responses) as the window keeps them:
which to resume at start, and how one whose connection is lost is saved so that Retry
or the next start resumes it instead of paying for it again."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from desktop.store.errors import StoreError

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.store.models import Message
    from desktop.ui.flows.answer import AnswerOutcome, AnswerStream

log = logging.getLogger(__name__)

# Failures (`Failure.kind`) after which a background answer may still be on the server:
# the connection stayed away, or the server was unwell, or no longer has it.
LOST = frozenset({"network", "apitimeout", "server", "notfound"})


def left_running(store: Store) -> list[Message]:
    """The answers to resume at start: of each conversation, its last one left
    running on the server by a Parley that closed or was killed."""
    try:
        answers = store.resumable_answers()
    except StoreError as err:
        log.warning("could not look for answers to resume: %s", err)
        return []
    # Oldest first: the last of each conversation is the one shown.
    return list({m.conversation_id: m for m in answers}.values())


def save_checkpoint(
    store: Store, stream: AnswerStream, text: str, reasoning: str, sequence: int | None
) -> None:
    """Saves an answer in flight; a background answer's text with its id and the number
    of the last event it includes, in one write, so a resume continues where it ends."""
    response_id = stream.response_id if sequence is not None else None
    try:
        store.update_streaming(
            stream.message_id, text, reasoning, response_id=response_id, sequence=sequence
        )
    except StoreError as err:
        # Each save holds the whole answer so far (up to its checkpoint): the next one,
        # or the final save (kept and retried until it succeeds), makes up for this one.
        log.warning("could not save the answer so far: %s", err)


def was_lost(stream: AnswerStream, outcome: AnswerOutcome) -> bool:
    """Whether a failed answer is one the server kept and may still have."""
    failure = outcome.failure
    return stream.checkpoint is not None and failure is not None and failure.kind in LOST


def keep_lost(store: Store, stream: AnswerStream, outcome: AnswerOutcome) -> AnswerOutcome:
    """A background answer whose stream failed (the network stayed away, or the server
    lost it) is kept interrupted as its last checkpoint left it: Retry then resumes it
    without paying again or, once the server has it no more, asks anew."""
    text, reasoning, sequence = stream.saved_state()
    failure = outcome.failure
    if failure is not None and failure.kind == "notfound":
        try:
            store.forget_resume(stream.message_id)
        except StoreError as err:
            log.warning("could not forget the answer the server lost: %s", err)
    else:
        save_checkpoint(store, stream, text, reasoning, sequence)
    return dataclasses.replace(outcome, status="interrupted", text=text, reasoning=reasoning)
