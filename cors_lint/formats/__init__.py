"""Output formats for `cors-lint check`: one module each, all pure functions of a CheckResult."""
