import subprocess
import sys

from boxed_engine import __version__


def test_module_prints_version():
    out = subprocess.run(
        [sys.executable, "-m", "boxed_engine", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"boxed_engine {__version__}"
