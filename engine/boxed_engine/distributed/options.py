"""The command-line options of a torchrun engine (kept free of torch imports: `--version` stays fast)."""

import argparse

SHARDING_STRATEGIES = ("full", "hybrid")  # hybrid = HSDP: shard within a node, replicate across nodes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("under torchrun (FSDP2)")
    group.add_argument("--sharding", default="full", choices=SHARDING_STRATEGIES,
                       help="full: shard over all ranks; hybrid: shard within a node, replicate across nodes")
    group.add_argument("--collective-timeout", type=float, default=600.0,
                       help="seconds a collective may wait for the other ranks before the job fails")
    group.add_argument("--activation-checkpointing", action="store_true", help="recompute layer activations in backward")
