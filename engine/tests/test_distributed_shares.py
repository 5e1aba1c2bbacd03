"""Splitting items over ranks and merging the answers (pure functions, no process group)."""

from boxed_engine.distributed.shares import balance, filler_counts, filler_datum, merge, strip_fillers, take
from boxed_engine.schemas import BackwardRequest, WeightedDatum


def test_balance_spreads_tokens_and_keeps_request_order_within_a_share():
    shares = balance([10, 1, 1, 1, 9, 2], 2)
    assert sorted(i for share in shares for i in share) == list(range(6))
    assert [sum([10, 1, 1, 1, 9, 2][i] for i in share) for share in shares] == [12, 12]
    assert all(share == sorted(share) for share in shares)


def test_fewer_items_than_ranks_leaves_empty_shares():
    assert balance([5], 3) == [[0], [], []]


def test_filler_counts_equalise_micro_batches():
    lengths = [30, 30, 30, 2]
    shares = [[0, 1, 2], [3]]  # budget 64: (30, 30) + (30) against (2)
    assert filler_counts(lengths, shares, 64) == [0, 1]


def test_filler_is_one_zero_weight_token_shaped_like_the_data():
    datum = WeightedDatum(tokens=[4, 5, 6], target_tokens=[5, 6, 7], weights=[0.1, 0.2, 0.3])
    filler = filler_datum(datum, pad_id=0)
    assert (filler.tokens, filler.target_tokens, filler.weights) == ([0], [0], [0.0])


def test_take_restricts_every_per_item_list_and_appends_extras():
    body = BackwardRequest(handle="h", weights=[[1.0], [2.0], [3.0]])
    part = take(body, [0, 2], {"weights": [[0.0]]})
    assert part.weights == [[1.0], [3.0], [0.0]] and part.handle == "h"


def test_merge_puts_answers_back_in_request_order_and_sums_numbers():
    results = [{"loss": 1.5, "tokens": 3, "logprobs": [["a"], ["c"]], "handle": "r0"}, None,
               {"loss": 0.25, "tokens": 2, "logprobs": [["b"]], "handle": "r2"}]
    merged = merge(results, [[0, 2], [], [1]], 3)
    assert merged == {"loss": 1.75, "tokens": 5, "logprobs": [["a"], ["b"], ["c"]], "handle": "r0"}


def test_strip_fillers_drops_their_entries_and_tokens():
    assert strip_fillers({"logprobs": [[1], [2], [0]], "tokens": 9, "loss": 0.5}, kept=2, fillers=1) == \
        {"logprobs": [[1], [2]], "tokens": 8, "loss": 0.5}
