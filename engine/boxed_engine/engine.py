"""The engine's state: policy model (full or LoRA), optional frozen reference, tokenizer, optimizer, RNG, step."""

import copy
import json
import random
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM
from transformers.utils import logging as transformers_logging

from boxed_engine.errors import EngineError
from boxed_engine.rw_lock import ReadWriteLock


@dataclass
class EngineOptions:
    model: Path
    seed: int = 0
    dtype: str = "float32"  # compute dtype; parameters and AdamW state stay float32 (master weights)
    device: str = "auto"
    lora_rank: int = 0
    lora_alpha: float = 16.0
    lora_targets: tuple[str, ...] = ("q_proj", "v_proj")
    reference: str = "none"  # "none" | "copy" (full fine-tuning); LoRA always has its base as reference
    token_budget: int = 16384  # padded tokens per forward micro-batch
    gradient_checkpointing: bool = False  # recompute each decoder layer in backward instead of keeping activations


DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def eos_ids(model_dir: Path, config) -> set[int]:
    """End-of-sequence ids: generation_config.json's `eos_token_id` (int or list) plus the config's."""
    ids: set[int] = set()
    candidates = [getattr(config, "eos_token_id", None)]
    generation = model_dir / "generation_config.json"
    if generation.exists():
        candidates.append(json.loads(generation.read_text(encoding="utf-8")).get("eos_token_id"))
    for candidate in candidates:
        if isinstance(candidate, int):
            ids.add(candidate)
        elif isinstance(candidate, list):
            ids.update(value for value in candidate if isinstance(value, int))
    return ids


class Engine:
    """Holds everything the protocol acts on. Locks: `weights` (readers–writer) guards parameter
    reads against in-place updates; `training` serialises training calls."""

    def __init__(self, options: EngineOptions):
        if options.dtype not in DTYPES:
            raise ValueError(f"dtype: unknown dtype {options.dtype!r}; known: {', '.join(DTYPES)}")
        self.options = options
        self.generated_tokens = 0  # tokens sampled since start, every route (reported by /info)
        self.device = pick_device(options.device)
        self.dtype = DTYPES[options.dtype]
        seed_everything(options.seed)
        transformers_logging.disable_progress_bar()
        # Mixed precision as torch.autocast means it: float32 parameters (so AdamW's state and every update are
        # float32 — a bf16 weight cannot absorb an update below 2^-8 of its size, Micikevicius et al. 2018,
        # arXiv:1710.03740), matrix products in `dtype` under `autocast()`.
        base = AutoModelForCausalLM.from_pretrained(options.model, dtype=torch.float32).to(self.device)
        self.config = base.config
        self.vocab_size = int(base.get_input_embeddings().weight.shape[0])
        self.max_context = int(getattr(self.config, "max_position_embeddings", 2048))
        self.stop_ids = eos_ids(options.model, self.config)
        self.pad_id = int(self.config.pad_token_id if self.config.pad_token_id is not None else min(self.stop_ids, default=0))
        self.model = self._wrap_lora(base) if options.lora_rank > 0 else base
        self.model.eval()  # no dropout: training and sampling see the same function
        if options.gradient_checkpointing:
            enable_checkpointing(self.model)
        self.reference = self._reference_copy() if options.reference == "copy" and options.lora_rank == 0 else None
        tokenizer_file = options.model / "tokenizer.json"  # only the OpenAI routes need text
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file)) if tokenizer_file.exists() else None
        self.sampling_generator = torch.Generator().manual_seed(options.seed)
        self.optimizer: torch.optim.AdamW | None = None
        self.step = 0
        self.weights_lock = ReadWriteLock()
        self.training_lock = threading.Lock()
        self.distributed: dict | None = None  # under torchrun: world, sharding, dtype policy (distributed/launch.py)

    def _wrap_lora(self, base: torch.nn.Module) -> torch.nn.Module:
        """LoRA (Hu et al. 2021, arXiv:2106.09685): W x + (α/r)·B A x, only A and B train."""
        from peft import LoraConfig, get_peft_model

        config = LoraConfig(r=self.options.lora_rank, lora_alpha=self.options.lora_alpha,
                            target_modules=list(self.options.lora_targets), lora_dropout=0.0, bias="none")
        return get_peft_model(base, config)

    def _reference_copy(self) -> torch.nn.Module:
        reference = copy.deepcopy(self.model).eval()
        for parameter in reference.parameters():
            parameter.requires_grad_(False)
        return reference

    @property
    def is_lora(self) -> bool:
        return self.options.lora_rank > 0

    @property
    def has_reference(self) -> bool:
        return self.is_lora or self.reference is not None

    def trainable_parameters(self) -> list[tuple[str, torch.nn.Parameter]]:
        return [(name, parameter) for name, parameter in self.model.named_parameters() if parameter.requires_grad]

    @contextmanager
    def scoring_model(self, which: str):
        """The module that scores `which` ("policy" | "reference"), under the right lock."""
        if which == "policy":
            with self.weights_lock.reading():
                yield self.model
        elif not self.has_reference:
            raise EngineError("this engine has no reference model (start it with LoRA or --reference copy)", param="model")
        elif self.is_lora:
            # Disabling the adapter changes the shared module, so nothing else may run meanwhile.
            with self.weights_lock.writing(), self.model.disable_adapter():
                yield self.model
        else:
            with self.weights_lock.reading():
                yield self.reference

    def autocast(self):
        return torch.autocast(self.device.type, dtype=self.dtype) if self.dtype != torch.float32 else nullcontext()

    def info(self) -> dict:
        lora = None
        if self.is_lora:
            lora = {"rank": self.options.lora_rank, "alpha": self.options.lora_alpha, "targets": list(self.options.lora_targets)}
        return {
            "model": str(self.options.model),
            "architecture": (self.config.architectures or [type(self.model).__name__])[0],
            "parameters": sum(p.numel() for p in self.model.parameters()),
            "trainable_parameters": sum(p.numel() for _, p in self.trainable_parameters()),
            "device": str(self.device),
            "dtype": self.options.dtype,
            "lora": lora,
            "reference": self.has_reference,
            "vocab_size": self.vocab_size,
            "max_context": self.max_context,
            "step": self.step,
            "generated_tokens": self.generated_tokens,
            "distributed": self.distributed,
        }


def enable_checkpointing(model: torch.nn.Module) -> None:
    """Activation checkpointing (Chen et al. 2016, arXiv:1604.06174) of every decoder layer. transformers
    checkpoints a layer only when the layer itself is in training mode, so only that flag is set: the layer's
    children stay in eval mode (no dropout), and calls without gradients (sampling, scoring) run as before."""
    from transformers.modeling_layers import GradientCheckpointingLayer

    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    for module in model.modules():
        if isinstance(module, GradientCheckpointingLayer):
            module.training = True


def seed_everything(seed: int) -> None:
    random.seed(seed)
    numpy.random.seed(seed % 2**32)
    torch.manual_seed(seed)
