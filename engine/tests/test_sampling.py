"""The token draw follows the filtered distribution: temperature, top-k, top-p, and never a zero-mass token."""

import pytest
import torch

from boxed_engine.sampling import SamplingOptions, choose_tokens

PROBABILITIES = [0.1, 0.0, 0.6, 0.3]
CASES = [
    ({}, [0.1, 0.0, 0.6, 0.3]),
    ({"top_k": 2}, [0.0, 0.0, 2 / 3, 1 / 3]),
    ({"top_p": 0.65}, [0.0, 0.0, 2 / 3, 1 / 3]),  # 0.6 < 0.65, so 0.3 joins the nucleus
    ({"top_p": 0.5}, [0.0, 0.0, 1.0, 0.0]),
    ({"temperature": 0.5}, [0.01 / 0.46, 0.0, 0.36 / 0.46, 0.09 / 0.46]),  # p^(1/T), renormalised
    ({"temperature": 0.0}, [0.0, 0.0, 1.0, 0.0]),
]


@pytest.mark.parametrize(("options", "expected"), CASES, ids=[str(case[0]) for case in CASES])
def test_empirical_frequencies_match_the_filtered_distribution(options, expected):
    logits_B_V = torch.log(torch.tensor([PROBABILITIES])).repeat(100_000, 1)
    chosen_B = choose_tokens(logits_B_V, SamplingOptions(max_tokens=1, **options), torch.Generator().manual_seed(0))
    frequencies = torch.bincount(chosen_B, minlength=4).float() / chosen_B.numel()
    assert torch.allclose(frequencies, torch.tensor(expected), atol=0.01), frequencies
    assert (chosen_B != 1).all()
