"""Writes the tokenizer-training corpus shipped in `boxed_engine/assets/corpus.txt`.

Run once (the output is committed): `.venv/bin/python engine/scripts/generate_corpus.py`.
The text covers what the tiny model sees in boxed: math word problems in English, arithmetic,
Countdown puzzles, linear equations, LaTeX answers (\\boxed{}, \\frac{}{}), and ChatML turns with
<think> reasoning. Deterministic: a fixed seed, so re-running reproduces the file byte for byte.
"""

import random
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "boxed_engine" / "assets" / "corpus.txt"
NAMES = ["Ava", "Ben", "Carla", "Dev", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jon", "Kim", "Leo", "Maya", "Noah"]
ITEMS = ["apples", "books", "marbles", "pencils", "cookies", "stickers", "coins", "cards", "eggs", "shells"]
PLACES = ["the market", "school", "the park", "the library", "the store", "the farm"]
SHAPES = ["rectangle", "square", "triangle", "circle", "garden", "field", "table", "window"]
FACTS = [
    "The sum of {a} and {b} is {sum}.",
    "The difference between {a} and {b} is {difference}.",
    "The product of {a} and {b} is {product}.",
    "A {shape} with length {a} and width {b} has area {product} and perimeter {perimeter}.",
    "{a} percent of {b} hundred is {a}{b}00 divided by one hundred.",
    "If a train travels {a} miles per hour for {b} hours, it covers {product} miles.",
    "The remainder when {a} is divided by {b} is {remainder}.",
    "What is the greatest common divisor of {a} and {b}? It is {gcd}.",
    "Let $f(x) = {a}x^2 + {b}$. Then $f(1) = {sum}$, so the value is $\\boxed{{{sum}}}$.",
    "An integer is even when it is divisible by 2; {a} is {parity}.",
    "Find the probability that a fair die shows {small}: the answer is $\\frac{{1}}{{6}}$.",
    "Simplify $\\sqrt{{{square}}}$. Since ${b}^2 = {square}$, we get $\\boxed{{{b}}}$.",
    "The average of {a} and {b} is $\\frac{{{sum}}}{{2}}$.",
    "A number is prime if its only divisors are 1 and itself; the first primes are 2, 3, 5, 7, 11, 13.",
    "Therefore, the final answer is {sum}. We verify: {a} + {b} = {sum}, which is correct.",
    "First, we write the equation. Next, we subtract {b} from both sides. Finally, we divide.",
]


def word_problem(rng: random.Random) -> str:
    name, other = rng.sample(NAMES, 2)
    item = rng.choice(ITEMS)
    first, second = rng.randint(2, 99), rng.randint(2, 60)
    template = rng.randrange(4)
    if template == 0:
        question = f"{name} has {first} {item}. {other} gives {name} {second} more. How many {item} does {name} have now?"
        steps, answer = f"{first} + {second} = {first + second}", first + second
    elif template == 1:
        big = first + second
        question = f"{name} bought {big} {item} at {rng.choice(PLACES)} and gave {second} to {other}. How many are left?"
        steps, answer = f"{big} - {second} = {first}", first
    elif template == 2:
        count = rng.randint(2, 12)
        question = f"Each box holds {first} {item}. How many {item} are in {count} boxes?"
        steps, answer = f"{first} * {count} = {first * count}", first * count
    else:
        groups = rng.randint(2, 9)
        total = first * groups
        question = f"{name} shares {total} {item} equally among {groups} friends. How many does each friend get?"
        steps, answer = f"{total} / {groups} = {first}", first
    return f"{question}\n<think>\n{steps}\n</think>\nThe answer is \\boxed{{{answer}}}."


def arithmetic(rng: random.Random) -> str:
    left, right = rng.randint(0, 999), rng.randint(1, 999)
    operator = rng.choice("+-*/")
    if operator == "/":
        gcd = _gcd(left, right)
        value = f"\\frac{{{left // gcd}}}{{{right // gcd}}}" if right // gcd != 1 else str(left // gcd)
    else:
        value = str(eval(f"{left} {operator} {right}"))  # noqa: S307 — integers we generated
    return f"Compute {left} {operator} {right}. Answer: $\\boxed{{{value}}}$"


def countdown(rng: random.Random) -> str:
    numbers = [rng.randint(1, 100) for _ in range(rng.randint(3, 4))]
    a, b, c = numbers[:3]
    expression = f"({a} + {b}) * {c}" if rng.random() < 0.5 else f"{a} * {b} - {c}"
    target = eval(expression)  # noqa: S307 — integers we generated
    return (
        f"Using the numbers {numbers}, create an equation that equals {target}. "
        f"You can use + - * / and each number once.\n<think>\nTry {expression} = {target}.\n</think>\n"
        f"<answer>{expression}</answer>"
    )


def linear_equation(rng: random.Random) -> str:
    slope, solution, offset = rng.randint(2, 12), rng.randint(-20, 20), rng.randint(-50, 50)
    right = slope * solution + offset
    sign = "+" if offset >= 0 else "-"
    return (
        f"Solve for x: {slope}x {sign} {abs(offset)} = {right}.\n<think>\n{slope}x = {right - offset}, "
        f"so x = \\frac{{{right - offset}}}{{{slope}}} = {solution}.\n</think>\nx = \\boxed{{{solution}}}"
    )


def chat_turn(rng: random.Random) -> str:
    body = rng.choice([word_problem, linear_equation, countdown])(rng)
    question, _, answer = body.partition("\n")
    return (
        "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
        f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n<|endoftext|>"
    )


def fact(rng: random.Random) -> str:
    a, b = rng.randint(1, 300), rng.randint(1, 40)
    values = {
        "a": a, "b": b, "sum": a + b, "difference": a - b, "product": a * b, "perimeter": 2 * (a + b),
        "remainder": a % b, "gcd": _gcd(a, b), "parity": "even" if a % 2 == 0 else "odd",
        "small": rng.randint(1, 6), "square": b * b, "shape": rng.choice(SHAPES),
    }
    return rng.choice(FACTS).format(**values)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return max(a, 1)


def main() -> None:
    rng = random.Random(20260125)
    generators = [word_problem, arithmetic, countdown, linear_equation, chat_turn, fact, fact]
    lines = [rng.choice(generators)(rng) for _ in range(4000)]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
