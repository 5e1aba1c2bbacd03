"""The engine on PyTorch's distributed stack: `torchrun --nproc-per-node N -m boxed_engine --model DIR ...`.

Every rank loads the model and shards it with FSDP2 (`fully_shard`, sharding.py) over a DeviceMesh
(world.py). Rank 0 serves HTTP; each model operation it receives is split into one share per rank and
sent to all ranks (coordinator.py, operations.py); every rank runs the ordinary single-process handler on
its share and rank 0 merges the results in request order. Checkpoints use torch.distributed.checkpoint
(checkpoint.py). Nothing here is home-made sharding: the collectives are FSDP2's and torch.distributed's.
"""
