"""The organisation's policy: the YAML policy file and its presets (``loader``, ``document``),
``[tool.cors-lint]`` settings in pyproject.toml, and rules written in YAML (``custom_rules``)."""


class PolicyError(Exception):
    """A policy that cannot be used; the message says where and why."""
