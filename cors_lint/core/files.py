"""Files cors-lint writes are written atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> None:
    """Readers see the old file or the whole new one, never a half-written one (``text`` is
    written as UTF-8, ``bytes`` as they are).

    ``durable=False`` skips the fsync (for caches: losing one to a power cut is harmless)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.chmod(temporary, _mode_for(path))
        with (os.fdopen(descriptor, "wb") if isinstance(text, bytes)
              else os.fdopen(descriptor, "w", encoding="utf-8", newline="")) as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The existing file's mode, else what a plain open() would give (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
