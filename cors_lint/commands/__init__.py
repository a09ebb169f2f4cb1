"""What each command does, between the command line (``cli``, which only declares options) and
the renderers (``output``): find the settings and the policy, analyse or check, keep baselines,
compare revisions, write a starter policy. A problem the user can fix is a ``CommandError``,
which the command line prints and exits 2 with."""

from __future__ import annotations


class CommandError(Exception):
    """A usage, policy or configuration problem (exit 2); ``kind`` names which, in the message."""

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind
