"""Fixes: for a finding, the edit to the project's source that removes it (``codemods``), offered
only once re-analysis proves it (``proof``): with the edit applied, the finding is gone and no new
finding appears, in every environment of the policy.

A fix is *safe* when it does not change which requests pass (an import that could never load,
a header that only caching reads); *unsafe* otherwise (``--unsafe-fixes``): a string that
flask-cors reads as true turned into the boolean its author wrote.
"""
