"""Request bodies of engine protocol v1 (docs/engine-protocol.md). Unknown fields and NaN/inf are rejected."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # seeds: torch's int64 range (as vLLM's protocol bounds `seed`)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SamplingParams(Strict):
    max_tokens: int = Field(ge=1)
    temperature: float = Field(default=1.0, ge=0)
    top_p: float = Field(default=1.0, gt=0, le=1)
    top_k: int = Field(default=0, ge=0)
    stop_token_ids: list[int] = Field(default_factory=list)
    seed: int | None = Field(default=None, ge=INT64_MIN, le=INT64_MAX)


class SampleRequest(Strict):
    prompts: list[list[int]] = Field(min_length=1)
    num_samples: int = Field(default=1, ge=1)
    sampling_params: SamplingParams


class Datum(Strict):
    tokens: list[int] = Field(min_length=1)
    target_tokens: list[int] = Field(min_length=1)


class WeightedDatum(Datum):
    weights: list[float] = Field(min_length=1)
    # e_t: the engine maximises Σ w·logp + Σ e·H (the TS loss's entropy bonus, its own aggregation)
    entropy_weights: list[float] | None = None


# Logits are divided by the sampling temperature before log-softmax, as the sampler did (verl
# dp_actor._forward_micro_batch `logits.div_(temperature)`; TRL GRPOTrainer._get_per_token_logps).
def temperature_field():
    return Field(default=1.0, gt=0)


class LogprobsRequest(Strict):
    data: list[Datum] = Field(min_length=1)
    model: Literal["policy", "reference"] = "policy"
    entropy: bool = False
    temperature: float = temperature_field()


class ForwardBackwardRequest(Strict):
    data: list[WeightedDatum] = Field(min_length=1)
    temperature: float = temperature_field()


class ForwardRequest(Strict):
    data: list[Datum] = Field(min_length=1)
    temperature: float = temperature_field()


class BackwardRequest(Strict):
    handle: str
    weights: list[list[float]] = Field(min_length=1)
    entropy_weights: list[list[float]] | None = None


class AdamParams(Strict):
    learning_rate: float = Field(ge=0)
    beta1: float = Field(default=0.9, ge=0, lt=1)
    beta2: float = Field(default=0.95, ge=0, lt=1)
    eps: float = Field(default=1e-8, gt=0)
    weight_decay: float = Field(default=0.0, ge=0)


class OptimStepRequest(Strict):
    adam_params: AdamParams
    grad_clip_norm: float | None = Field(default=1.0, gt=0)


class EmptyRequest(Strict):
    pass


class PathRequest(Strict):
    path: str = Field(min_length=1)
