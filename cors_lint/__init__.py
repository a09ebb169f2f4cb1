"""cors-lint: a static, policy-as-code linter for the CORS setup of Flask projects.

The engine reads source with libcst and never imports or runs the code it checks.
"""

__version__ = "0.1.0"
