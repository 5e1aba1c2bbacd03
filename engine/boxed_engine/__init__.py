"""boxed_engine: a generic differentiable log-prob machine (torch + transformers) behind a Tinker-style protocol."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 2
