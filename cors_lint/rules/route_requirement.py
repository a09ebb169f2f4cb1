"""CORS025 route-requirement."""

from cors_lint.core.origins import accepted_attacker, accepts_everything
from cors_lint.rules.base import Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        requirement = ctx.requirement(route)
        if not requirement:
            continue
        pattern = requirement["path"]
        if requirement.get("cors") == "forbidden":
            yield layer_issue(route, layer, f"the policy forbids CORS on {pattern}, but {{routes}} has it",
                              key=("cors", pattern))
            continue
        options = layer.options
        if requirement.get("credentials") == "forbidden" and options.get("supports_credentials") is True:
            yield layer_issue(route, layer, f"the policy forbids credentials on {pattern}, but {{routes}} allows "
                              "them", key=("credentials", pattern))
        if requirement.get("wildcard") == "forbidden" and accepts_everything(origins_of(layer)):
            yield layer_issue(route, layer, f"the policy forbids `*` on {pattern}, but {{routes}} accepts every "
                              "origin", key=("wildcard", pattern), attacker=accepted_attacker(origins_of(layer)))


RULE = Rule(
    id="CORS025",
    name="route-requirement",
    severity="error",
    summary="A route breaks the policy's requirement for its path",
    doc="""
## What it does
Applies the policy's `routes:` requirements: `cors: forbidden` (e.g. `/admin/**` must have no
CORS at all), `credentials: forbidden`, `wildcard: forbidden`. The first matching entry for
a route applies; `wildcard: allowed` also silences `wildcard-origin` for public routes.

## Why is this bad?
Some routes must never be readable cross-origin, whatever the app-wide setting says.

## Example
```yaml
routes:
  - {path: "/admin/**", cors: forbidden}
```

## Use instead
Exclude those routes from `resources=`, or give them their own blueprint without CORS.
""",
    check=check,
)
