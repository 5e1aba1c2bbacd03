"""Command line entry: `python -m boxed_engine --version`."""

import argparse

from boxed_engine import __version__


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="boxed_engine", description=__doc__)
    parser.add_argument("--version", action="version", version=f"boxed_engine {__version__}")
    parser.parse_args(argv)


if __name__ == "__main__":
    main()
