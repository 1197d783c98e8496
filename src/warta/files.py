"""Filesystem helpers shared by everything that writes a directory (models, checkpoints, caches)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def replace_dir(tmp: Path, out: Path) -> None:
    """Move the finished directory `tmp` to `out`, replacing what was there.

    A reader never sees a half-written `out`: the new directory is complete
    before it is moved in, and the old one is only removed after.
    """
    try:
        os.replace(tmp, out)  # atomic when ``out`` is absent (or an empty dir)
        return
    except OSError:
        if not out.exists():
            raise
    # ``out`` exists: move it aside, move ours in, drop the old one
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, old / "x")
    try:
        os.replace(tmp, out)
    except OSError:
        if not out.exists():  # put the old one back
            os.replace(old / "x", out)
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
    shutil.rmtree(old, ignore_errors=True)
