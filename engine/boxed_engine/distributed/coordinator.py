"""Rank 0 sends every model operation to all ranks and gathers their answers; the other ranks wait for the
next operation, run it, answer. One operation at a time: the ranks must enter FSDP's collectives in the
same order, so concurrent HTTP requests queue here.

Messages travel on the world's gloo `control` group with `scatter_object_list` / `gather_object`
(torch.distributed's pickled-object collectives). A rank that dies breaks the group: rank 0's pending
collective raises (gloo reports the closed connection, or the `--collective-timeout` expires) and every
client then gets a 503 naming the failure instead of a hang.
"""

import logging
import os
import threading
import traceback

import torch.distributed as dist

from boxed_engine.distributed.operations import Message, Operations
from boxed_engine.errors import EngineError

SERVER_ONLY = "server-only"  # an operation rank 0 runs alone on gathered weights (the OpenAI routes' sampling)
log = logging.getLogger("boxed_engine.distributed")


def answer(run, message: Message) -> tuple[str, object]:
    """("ok", result) or ("error", details): a rank's failure travels back instead of stranding rank 0."""
    try:
        return "ok", run(message)
    except EngineError as error:
        return "error", (error.message, error.status, error.param, error.kind)
    except Exception as error:  # noqa: BLE001 - reported to the client as a 500 with the rank's traceback line
        return "error", (f"{type(error).__name__}: {error}", 500, None, "internal_error")


class Coordinator:
    def __init__(self, world, operations: Operations):
        self.world, self.operations = world, operations
        self.lock = threading.Lock()
        self.inside = threading.local()  # set while this thread runs an operation (nested calls run locally)
        self.broken: str | None = None

    def call(self, path: str, body) -> dict:
        """Rank 0: one protocol operation on all ranks."""
        with self.lock:
            self.check_alive()
            plan = self.operations.plan(path, body)
            results = self.exchange(plan.messages, lambda message: self.operations.run(message))
            return self.operations.merge(path, plan, results)

    def call_on_server(self, function):
        """Rank 0: `function()` on full weights gathered from every rank; the others only take part in the gather."""
        if getattr(self.inside, "active", False):
            return function()
        with self.lock:
            self.check_alive()
            messages = [Message(SERVER_ONLY, None) for _ in range(self.world.world_size)]

            def run(_: Message):
                with self.operations.gathered():
                    return function()

            return self.exchange(messages, run)[0]

    def exchange(self, messages: list[Message], run) -> list:
        self.inside.active = True
        try:
            received = [None]
            dist.scatter_object_list(received, messages, src=0, group=self.world.control)
            mine = answer(run, received[0])
            answers = [None] * self.world.world_size
            dist.gather_object(mine, answers, dst=0, group=self.world.control)
        except (RuntimeError, dist.DistBackendError) as error:
            self.broken = f"a rank of the distributed engine failed ({type(error).__name__}: {error})"
            log.error("%s", self.broken)
            raise EngineError(self.broken + "; restart the engine", status=503, kind="distributed_error") from None
        finally:
            self.inside.active = False
        for rank, (status, value) in enumerate(answers):
            if status == "error":
                message, code, param, kind = value
                prefix = f"rank {rank}: " if code >= 500 else ""
                raise EngineError(prefix + message, status=code, param=param, kind=kind)
        return [value for _, value in answers]

    def check_alive(self) -> None:
        if self.broken:
            raise EngineError(self.broken + "; restart the engine", status=503, kind="distributed_error")


def serve_operations(world, operations: Operations) -> None:
    """Ranks > 0: run operations until the job ends; a broken group (rank 0 gone) ends this process."""
    while True:
        received = [None]
        try:
            dist.scatter_object_list(received, None, src=0, group=world.control)
            message: Message = received[0]
            if message.path == SERVER_ONLY:
                with operations.gathered():
                    mine = ("ok", None)
            else:
                mine = answer(operations.run, message)
            dist.gather_object(mine, None, dst=0, group=world.control)
        except (RuntimeError, dist.DistBackendError):
            log.error("rank %d: lost rank 0, exiting\n%s", world.rank, traceback.format_exc(limit=1))
            os._exit(1)
