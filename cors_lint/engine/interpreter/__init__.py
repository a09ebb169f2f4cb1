"""The interpreter core: runs modules, classes and functions symbolically (``interpreter``,
``expressions``, ``scopes``), with the values it makes (``objects``), within its budgets
(``bounds``); what library names do, it asks the models' ``registry``. It names no library
(tests/test_architecture.py). Imports the source only.
"""
