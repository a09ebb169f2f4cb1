"""Run cors-lint as an installed copy runs: with its bytecode compiled and cached (pip compiles a
package when it installs it), whatever this shell's PYTHONDONTWRITEBYTECODE says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    """Compile cors_lint's modules once, before the timed runs."""
    package = Path(__import__("cors_lint").__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=False, env=CHILD_ENV)
