"""Continuous batching across requests at decode-step granularity (iteration-level scheduling: Yu et al. 2022,
Orca, OSDI '22), for `/sample` and the OpenAI routes.

One thread owns the batch. Before each step it admits waiting rows that fit the token budget: their prompts are
prefilled (each distinct prompt once, its cache then copied to its samples) and merged into the running KV
cache (decode_batch.py). Each step draws one token per row, per request with that request's options and
generator (a seeded request's draws depend on its own rows only), then feeds all rows through the model at once.
Finished and cancelled rows leave the batch. The weights lock is taken per step, so `optim_step` waits for at
most one decoding step; rows already running keep the KV cache they computed before an update.
"""

import threading
from collections import deque

import torch
from transformers import DynamicCache

from boxed_engine.decode_batch import Batch, Job, merge, select
from boxed_engine.errors import internal
from boxed_engine.sampling import (
    SampledSequence, SamplingOptions, StepListener, StopChecker, choose_tokens, penalize_output, penalize_repetition,
    policy_logprobs,
    seen_tokens,
)

SAMPLE_BUDGET_FACTOR = 16  # sampling keeps no activations for backward, so it affords more tokens per batch


class Scheduler:
    def __init__(self, engine):
        self.engine = engine
        self.budget = engine.options.token_budget * SAMPLE_BUDGET_FACTOR  # rows × (prompt + max_tokens)
        self.condition = threading.Condition()
        self.queue: deque[Job] = deque()
        self.batch: Batch | None = None
        self.thread: threading.Thread | None = None

    def run(self, prompts: list[list[int]], samples: int, options: SamplingOptions, seed: int | None,
            stop_ids: set[int], stop_checker: StopChecker | None = None,
            on_step: StepListener | None = None) -> list[SampledSequence]:
        """Samples `samples` continuations of each prompt (row r: prompt r // samples); blocks until done."""
        engine = self.engine
        generator = torch.Generator().manual_seed(seed) if seed is not None else engine.sampling_generator
        stops = (set() if options.ignore_eos else engine.stop_ids) | stop_ids
        job = Job(prompts, samples, options, stops, generator, stop_checker, self.counted(on_step))
        if options.max_tokens == 0:
            return job.sequences
        with self.condition:
            if self.thread is None:
                self.thread = threading.Thread(target=self.loop, name="boxed-engine-scheduler", daemon=True)
                self.thread.start()
            self.queue.append(job)
            self.condition.notify()
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.sequences

    def counted(self, on_step: StepListener | None) -> StepListener:
        def listener(rows: list) -> bool:
            self.engine.generated_tokens += len(rows)  # `/info` → generated_tokens
            return bool(on_step and on_step(rows))

        return listener

    def loop(self) -> None:
        while True:
            with self.condition:
                while not self.queue and self.batch is None:
                    self.condition.wait()
            try:
                with self.engine.weights_lock.reading(), torch.no_grad(), self.engine.autocast():
                    self.admit()
                    if self.batch is not None:
                        self.step()
            except Exception as error:  # every request in the batch gets the error; the loop goes on
                self.fail(internal(error))

    def admit(self) -> None:
        """Moves waiting rows into the batch, FIFO, while rows × widest row stays within the budget."""
        rows = len(self.batch.owners) if self.batch else 0
        width = max(self.batch.widths) if self.batch else 0
        groups: list[tuple[Job, int, int, int]] = []  # (job, prompt index, first sample, count)
        with self.condition:
            while self.queue:
                job = self.queue[0]
                if not job.started:
                    job.started = True
                    if job.on_step([]):  # cancelled while waiting
                        self.queue.popleft()
                        job.cancel()
                        continue
                index, first, count = job.waiting[0]
                widest = max(width, job.width)
                fit = self.budget // widest - rows
                if fit <= 0 and rows > 0:
                    break
                take = min(count, max(fit, 1))
                groups.append((job, index, first, take))
                rows, width = rows + take, widest
                job.waiting.popleft()
                if take < count:
                    job.waiting.appendleft((index, first + take, count - take))
                if not job.waiting:
                    self.queue.popleft()
        if groups:
            new = self.prefill(groups)
            self.batch = new if self.batch is None else merge(self.batch, new)

    def prefill(self, groups: list[tuple[Job, int, int, int]]) -> Batch:
        """One forward over the distinct prompts (left-padded), then each prompt's cache copied to its rows."""
        engine = self.engine
        prompts = [job.prompts[index] for job, index, _, _ in groups]
        width = max(len(prompt) for prompt in prompts)
        ids_U_L = torch.tensor([[engine.pad_id] * (width - len(p)) + p for p in prompts], device=engine.device)
        mask_U_L = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], device=engine.device)
        positions_U_L = (mask_U_L.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache()
        outputs = engine.model(input_ids=ids_U_L, attention_mask=mask_U_L, position_ids=positions_U_L, cache=cache,
                               use_cache=True, logits_to_keep=1)
        expand = [group for group, (_, _, _, take) in enumerate(groups) for _ in range(take)]
        index_B = torch.tensor(expand, device=engine.device)
        if len(expand) != len(groups):
            cache.batch_select_indices(index_B)
        owners = [(job, index * job.samples + first + k) for job, index, first, take in groups for k in range(take)]
        return Batch(cache, mask_U_L[index_B], positions_U_L[index_B, -1:] + 1, outputs.logits[:, -1, :].float()[index_B],
                     owners, [job.width for job, _ in owners])

    def step(self) -> None:
        batch = self.batch
        chosen_B = torch.full((len(batch.owners),), self.engine.pad_id, dtype=torch.long, device=self.engine.device)
        jobs = self.rows_by_job(batch)
        for job, positions in jobs.items():
            index_R = torch.tensor(positions, device=chosen_B.device)
            chosen_B[index_R] = self.draw(job, [batch.owners[p][1] for p in positions], batch.logits_B_V[index_R])
        for job, positions in jobs.items():
            stepped = [(row, job.sequences[row]) for _, row in (batch.owners[p] for p in positions)]
            if job.on_step(stepped):
                self.cancel(job)
            job.settle()
            for position in positions:
                if job.is_finished(batch.owners[position][1]):
                    batch.owners[position] = None
        live = [position for position, owner in enumerate(batch.owners) if owner is not None]
        if not live:
            self.batch = None
            return
        if len(live) < len(batch.owners) and (len(batch.owners) - len(live) >= max(1, len(batch.owners) // 8)
                                               or self.queue):
            batch, chosen_B = select(batch, live), chosen_B[torch.tensor(live, device=chosen_B.device)]
        batch.mask_B_L = torch.cat([batch.mask_B_L, torch.ones_like(batch.mask_B_L[:, :1])], dim=-1)
        outputs = self.engine.model(input_ids=chosen_B.unsqueeze(-1), attention_mask=batch.mask_B_L,
                                    position_ids=batch.positions_B_1, cache=batch.cache, use_cache=True)
        batch.logits_B_V, batch.positions_B_1 = outputs.logits[:, -1, :].float(), batch.positions_B_1 + 1
        self.batch = batch

    @staticmethod
    def rows_by_job(batch: Batch) -> dict[Job, list[int]]:
        jobs: dict[Job, list[int]] = {}
        for position, owner in enumerate(batch.owners):
            if owner is not None and not owner[0].is_finished(owner[1]):
                jobs.setdefault(owner[0], []).append(position)
        return jobs

    def draw(self, job: Job, rows: list[int], logits_R_V: torch.Tensor) -> torch.Tensor:
        """This step's token for each of `rows` (one job's): penalties, min_tokens, the filtered draw; recorded."""
        options = job.options
        logprobs_R_V = policy_logprobs(logits_R_V, options)
        processed_R_V = logits_R_V
        if options.logit_bias:
            ids_K = torch.tensor(list(options.logit_bias), device=logits_R_V.device)
            bias_K = torch.tensor(list(options.logit_bias.values()), device=logits_R_V.device)
            processed_R_V = processed_R_V.index_add(-1, ids_K, bias_K.expand(len(rows), -1))
        if options.presence_penalty or options.frequency_penalty:
            processed_R_V = penalize_output(processed_R_V, [job.sequences[row].tokens for row in rows], options)
        if options.repetition_penalty != 1.0:
            history = [job.prompts[row // job.samples] + job.sequences[row].tokens for row in rows]
            seen_R_V = seen_tokens(history, logits_R_V.shape[-1], logits_R_V.device)
            processed_R_V = penalize_repetition(processed_R_V, seen_R_V, options.repetition_penalty)
        early = [k for k, row in enumerate(rows) if len(job.sequences[row].tokens) < options.min_tokens]
        if early and job.stop_ids:
            early_E, stops_S = torch.tensor(early), torch.tensor(sorted(job.stop_ids))
            processed_R_V = processed_R_V.clone()
            processed_R_V[early_E.unsqueeze(-1), stops_S.unsqueeze(0)] = float("-inf")
        chosen_R = choose_tokens(processed_R_V, options, job.generator)
        job.record(rows, chosen_R, logprobs_R_V)
        return chosen_R

    def cancel(self, job: Job) -> None:
        with self.condition:
            if job in self.queue:
                self.queue.remove(job)
        job.cancel()

    def fail(self, error: Exception) -> None:
        jobs = {owner[0] for owner in self.batch.owners if owner is not None} if self.batch else set()
        self.batch = None
        for job in jobs:
            job.error = error
            job.done.set()
