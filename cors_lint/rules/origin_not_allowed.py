"""CORS024 origin-not-allowed."""

import re

from cors_lint.core import safe_regex
from cors_lint.core.origins import accepted_attacker, accepts_everything, attacker_origins, host_of, is_regex
from cors_lint.rules.base import Rule, RuleContext, layer_issue, origins_of, show


def allowed(origin: str, specs: list[dict]) -> bool:
    """Is this concrete origin inside the policy's allow-list?"""
    lowered = origin.lower()
    for spec in specs:
        if "exact" in spec and lowered == spec["exact"].lower():
            return True
        if "subdomains_of" in spec and lowered.startswith("https://"):
            host, domain = host_of(lowered), spec["subdomains_of"].lower()
            if (host == domain or host.endswith("." + domain)) and lowered == f"https://{host}" + (
                    lowered[len(f"https://{host}"):] if re.fullmatch(r":\d+", lowered[len(f"https://{host}"):])
                    else ""):
                return True
        if "regex" in spec:
            try:
                pattern = re.compile(spec["regex"])
            except re.error:
                continue
            if safe_regex.match(pattern, origin, full=True):
                return True
    return False


def check(ctx: RuleContext):
    specs = ctx.settings.get("allowed_origins")
    if not specs:
        return
    for route, layer in ctx.layers():
        origins = origins_of(layer)
        if accepts_everything(origins):
            if ctx.requirement(route).get("wildcard") != "allowed":
                yield layer_issue(route, layer, f"every origin, e.g. `{accepted_attacker(origins)}`, is accepted on "
                                  f"{{routes}}; the {ctx.environment} allow-list permits only listed origins",
                                  key=("*",), attacker=accepted_attacker(origins), option="origins")
            continue
        for entry in origins:
            if is_regex(entry):
                outside = [o for o in attacker_origins(entry) if not allowed(o, specs)]
                if outside:
                    yield layer_issue(route, layer, f"`{show(entry)}` accepts `{outside[0]}`, which is not in the "
                                      f"{ctx.environment} allow-list (on {{routes}})", key=(show(entry),),
                                      attacker=outside[0], option="origins")
            elif isinstance(entry, str) and not allowed(entry, specs):
                yield layer_issue(route, layer, f"`{entry}` is not in the {ctx.environment} allow-list "
                                  f"(on {{routes}})", key=(entry,), option="origins")


RULE = Rule(
    id="CORS024",
    name="origin-not-allowed",
    severity="error",
    summary="An origin outside the environment's allow-list is trusted",
    doc="""
## What it does
Checks every origin a route accepts against the policy's `allowed_origins` for the
environment (`exact`, `subdomains_of`, full-match `regex`). Literal origins are compared as
flask-cors compares them; regex origins are probed with the attacker origins they accept.
Silent when the environment has no `allowed_origins`.

## Why is this bad?
The allow-list is the organisation's statement of who may read its APIs; anything else is
an unreviewed trust relationship.

## Example
```yaml
environments:
  production:
    allowed_origins: [{exact: "https://app.example.com"}]
```
```python
CORS(app, origins=["https://app.example.com", "https://staging.example.net"])
```

## Use instead
Add the origin to the policy after review, or remove it from the code.
""",
    check=check,
)
