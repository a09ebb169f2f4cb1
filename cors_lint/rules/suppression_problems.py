"""CORS028-CORS030: problems with suppressions (reported by cors_lint.check.suppressions, not by a check)."""

from cors_lint.rules.base import Invalid, Rule, RuleContext

_APP = '''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        {comment}
        CORS(app)
        @app.route("/status")
        def status(): return "ok"
        '''


def check(ctx: RuleContext):
    return ()  # these findings come from applying suppressions to the other rules' findings


UNUSED = Rule(
    id="CORS028",
    name="unused-suppression",
    severity="warning",
    summary="A suppression that matches no finding",
    doc="""
## What it does
Reports `# cors-lint: ignore[...]` comments and policy suppressions that hide nothing.

## Why is this bad?
Stale suppressions outlive the code they were written for and will silently hide the next,
unrelated finding on that line.

## Example
```python
# cors-lint: ignore[CORS007] reason="was public once"
CORS(app, origins="https://app.example.com")
```

## Use instead
Delete the comment.
""",
    check=check,
    invalid=(
        Invalid(_APP.format(comment='# cors-lint: ignore[CORS001] reason="no credentials here anyway"'),
            severity="warning", message=("for CORS001", "matches no finding")),
    ),
    valid=(_APP.format(comment='# cors-lint: ignore[CORS007] reason="public status page" ticket=SEC-1'),),
)

INVALID = Rule(
    id="CORS029",
    name="invalid-suppression",
    severity="error",
    summary="A suppression without a reason, with an unknown rule id or a malformed expiry",
    doc="""
## What it does
Reports suppressions that cannot be accepted: no `reason="..."`, a rule id that does not
exist, or an `expires=` that is not a YYYY-MM-DD date. They suppress nothing.

## Why is this bad?
A suppression is an audit record: a reviewer must be able to see why a finding was accepted
and until when.

## Example
```python
# cors-lint: ignore[CORS007]
```

## Use instead
```python
# cors-lint: ignore[CORS007] reason="public status page" expires=2027-06-30 ticket=SEC-12
```
""",
    check=check,
    invalid=(
        Invalid(_APP.format(comment="# cors-lint: ignore[CORS007]"), severity="error", message=("has no reason",)),
        Invalid(_APP.format(comment='# cors-lint: ignore[CORS999] reason="typo"'), severity="error",
            message=("unknown rule 'CORS999'",)),
    ),
    valid=(_APP.format(comment='# cors-lint: ignore[wildcard-origin] reason="public status page"'),),
)

EXPIRED = Rule(
    id="CORS030",
    name="expired-suppression",
    severity="error",
    summary="A suppression past its expiry date (its finding is reported again)",
    doc="""
## What it does
Reports suppressions whose `expires=` date has passed, and stops honouring them.

## Why is this bad?
Expiry dates are how temporary exceptions stay temporary.

## Example
```python
# cors-lint: ignore[CORS007] reason="launch week" expires=2024-01-31
```

## Use instead
Fix the finding, or renew the suppression after review with a new date.
""",
    check=check,
    invalid=(
        Invalid(_APP.format(comment='# cors-lint: ignore[CORS007] reason="launch" expires=2020-01-31'),
            severity="error", message=("for CORS007", "expired on 2020-01-31")),
    ),
    valid=(_APP.format(comment='# cors-lint: ignore[CORS007] reason="launch" expires=2999-01-31'),),
)
