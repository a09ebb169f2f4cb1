"""The text of a starter cors-policy.yaml (``commands.init`` fills in the origins the project trusts today)."""

from __future__ import annotations

SCHEMA_FILE = "cors-policy.schema.json"


def starter_policy(origins: list[str]) -> str:
    allow = "\n".join(f"      - exact: {origin}" for origin in origins) or "      - exact: https://app.example.com"
    return f"""# yaml-language-server: $schema=./{SCHEMA_FILE}
# cors-lint policy: https://github.com/cors-lint/cors-lint#policy (`cors-lint schema` prints the schema)
version: 1
extends: [recommended]

environments:
  default: production
  production:
    # The origins this project trusts today; review them, then keep the list short.
    allowed_origins:
{allow}

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
