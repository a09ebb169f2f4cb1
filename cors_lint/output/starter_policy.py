"""The text of a starter cors-policy.yaml (``commands.init`` fills in the origins the project trusts today)."""

from __future__ import annotations

SCHEMA_FILE = "cors-policy.schema.json"


def starter_policy(origins: list[str]) -> str:
    """The starter policy; ``origins``: the exact https origins the project's CORS setup trusts today,
    proposed as the production allow-list. Without any, the allow-list is left for a person to
    write (commented out): an invented origin would flag every origin the project really uses."""
    if origins:
        production = ("  production:\n"
                      "    # The origins this project trusts today; review them, then keep the list short.\n"
                      "    allowed_origins:\n" + "\n".join(f"      - exact: {origin}" for origin in origins))
    else:
        production = ("  # The code names no exact https origin it trusts. List the origins that may read this\n"
                      "  # project's responses (CORS024 then flags every other one), for example:\n"
                      "  #   production:\n"
                      "  #     allowed_origins:\n"
                      "  #       - exact: https://app.example.com\n"
                      "  #       - subdomains_of: example.com\n"
                      "  production: {}")
    return f"""# yaml-language-server: $schema=./{SCHEMA_FILE}
# cors-lint policy: https://github.com/cors-lint/cors-lint#policy (`cors-lint schema` prints the schema)
version: 1
extends: [recommended]

environments:
  default: production
{production}

# Requirements per route pattern (the first match applies), for example:
# routes:
#   - {{path: "/admin/**", cors: forbidden}}
#   - {{path: "/public/**", wildcard: allowed, credentials: forbidden}}

# Rule settings: off, a severity, or {{severity, environments, paths, exclude}}, for example:
# rules:
#   max-age-zero: off

# Accepted findings, owned here rather than in the code, for example:
# suppressions:
#   - {{rule: CORS007, route: "/status", reason: "public status page", expires: "2027-01-31"}}
"""
