"""How each protocol route runs on N ranks: the shares rank 0 sends, what a rank does with its share, the merge.

Kinds: `items` routes (/sample, /logprobs, /forward_backward, /forward) split their items over ranks;
`/backward` follows the split its `/forward` made; `same` routes (/optim_step, /zero_grad, checkpoints)
run the same body everywhere and answer rank 0's result. A rank runs the ordinary single-process handler
of server.py on its share, so the single-process semantics are the only ones.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from boxed_engine.batching import check_data, check_weights
from boxed_engine.distributed import shares
from boxed_engine.distributed.sharding import gathered
from boxed_engine.errors import EngineError

MAX_HANDLES = 16  # /forward handles remembered for their /backward (the trainer itself keeps 4)


@dataclass
class Message:
    """What one rank receives: the route and its share of the body (None: nothing to do but the collectives)."""

    path: str
    body: object | None
    fillers: int = 0


@dataclass
class Plan:
    messages: list[Message]
    shares: list[list[int]] = field(default_factory=list)
    total: int = 0
    lengths: list[int] = field(default_factory=list)


class FillerGroups:
    """Trainer._groups for a share followed by `count` fillers: the share's own micro-batches, then one per filler."""

    def __init__(self, groups):
        self.groups, self.count = groups, 0

    def __call__(self, data: list) -> list[list[int]]:
        real = len(data) - self.count
        return self.groups(data[:real]) + [[index] for index in range(real, len(data))]


@dataclass
class HandleRecord:
    local_handles: list[str]
    plan: Plan
    fillers: list[int]


class Operations:
    """Rank 0 plans and merges; every rank runs. `handlers` are server.py's route handlers."""

    def __init__(self, world, engine, trainer, handlers: dict, custom: dict):
        self.world, self.engine, self.trainer = world, engine, trainer
        self.handlers, self.custom = handlers, custom
        self.handles: OrderedDict[str, HandleRecord] = OrderedDict()
        self.filler_groups = FillerGroups(trainer._groups)
        trainer._groups = self.filler_groups  # the one grouping hook training.py exposes

    # --- rank 0: plan -------------------------------------------------------------------------------
    def plan(self, path: str, body) -> Plan:
        if path == "/sample":
            costs = [(len(prompt) + body.sampling_params.max_tokens) * body.num_samples for prompt in body.prompts]
            return self.split(path, body, costs, seeded=True)
        if path in ("/logprobs", "/forward_backward", "/forward"):
            check_data(body.data, self.engine.vocab_size, self.engine.max_context, weighted=path == "/forward_backward")
            plan = self.split(path, body, [len(datum.tokens) for datum in body.data])
            if path != "/logprobs":
                self.add_fillers(plan, body)
            return plan
        if path == "/backward":
            return self.plan_backward(body)
        return Plan([Message(path, body) for _ in range(self.world.world_size)])

    def split(self, path: str, body, costs: list[int], seeded: bool = False) -> Plan:
        parts = shares.balance(costs, self.world.world_size)
        messages = []
        for rank, share in enumerate(parts):
            part = shares.take(body, share) if share else None
            if part is not None and seeded and body.sampling_params.seed is not None and rank > 0:
                # rank r draws from seed + r: the same seed on every rank would repeat rank 0's random stream
                params = body.sampling_params.model_copy(update={"seed": body.sampling_params.seed + rank})
                part = part.model_copy(update={"sampling_params": params})
            messages.append(Message(path, part))
        return Plan(messages, parts, len(costs), costs)

    def add_fillers(self, plan: Plan, body) -> None:
        counts = shares.filler_counts(plan.lengths, plan.shares, self.engine.options.token_budget)
        filler = shares.filler_datum(body.data[0], self.engine.pad_id)
        for message, share, count in zip(plan.messages, plan.shares, counts, strict=True):
            message.fillers = count
            if count:
                message.body = shares.take(body, share, {"data": [filler] * count})

    def plan_backward(self, body) -> Plan:
        record = self.handles.get(body.handle)
        if record is None:
            raise EngineError("unknown or expired handle (a handle serves one backward, before the next optim_step)",
                              status=404, param="handle")
        lengths = record.plan.lengths
        for name, rows in shares.list_fields(body).items():
            if len(rows) != len(lengths):
                raise EngineError(f"{name} has {len(rows)} rows but the forward had {len(lengths)} data", param=name)
            for index, row in enumerate(rows):
                if row is not None:  # entropy_weights rows may be null
                    check_weights(row, lengths[index], f"{name}[{index}]")
        messages = []
        for rank, share in enumerate(record.plan.shares):
            count = record.fillers[rank]
            extra = {name: [[0.0]] * count for name in shares.list_fields(body)}
            part = shares.take(body, share, extra).model_copy(update={"handle": record.local_handles[rank]})
            messages.append(Message("/backward", part, count))
        del self.handles[body.handle]  # valid: it serves this backward (a bad request leaves it usable)
        return Plan(messages, record.plan.shares, record.plan.total, lengths)

    # --- rank 0: merge ------------------------------------------------------------------------------
    def merge(self, path: str, plan: Plan, results: list) -> dict:
        if not plan.shares:
            return results[0]
        merged = shares.merge(results, plan.shares, plan.total)
        if path == "/forward":
            self.remember(merged["handle"], results, plan)
        if path in ("/optim_step", "/zero_grad", "/load_state"):
            self.handles.clear()
        return merged

    def remember(self, handle: str, results: list, plan: Plan) -> None:
        fillers = [message.fillers for message in plan.messages]
        self.handles[handle] = HandleRecord([result["handle"] for result in results], plan, fillers)
        while len(self.handles) > MAX_HANDLES:
            self.handles.popitem(last=False)

    # --- every rank: run ----------------------------------------------------------------------------
    def run(self, message: Message):
        if message.path in self.custom:
            with self.engine.training_lock:
                return self.custom[message.path](message.body)
        if message.path in ("/sample", "/logprobs"):
            if message.body is None:
                with self.gathered():
                    return None
            with self.gathered():
                return self.handlers[message.path](message.body)
        if message.path in ("/forward_backward", "/forward", "/backward"):
            return self.run_training(message)
        return self.handlers[message.path](message.body)

    def run_training(self, message: Message):
        kept = len(message.body.data) - message.fillers if message.path != "/backward" else 0
        self.filler_groups.count = message.fillers
        try:
            result = self.handlers[message.path](message.body)
        finally:
            self.filler_groups.count = 0
        return shares.strip_fillers(result, kept, message.fillers) if message.path != "/backward" else result

    def gathered(self):
        models = [self.engine.model] + ([self.engine.reference] if self.engine.reference is not None else [])
        return gathered(models)
