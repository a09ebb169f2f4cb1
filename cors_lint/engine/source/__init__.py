"""The source: the project's files and what is read of their bytes before anything runs.

Discovery and the byte prefilter (``project``), the pinned flask-cors version (``pins``), the
commands packaging files declare (``entry_points``), the scripts that can reach an app
(``scripts``); libcst parsing in an error envelope (``parsing``), skeletons whose function bodies
are parsed when first needed (``skeleton``), where functions are in the bytes (``spans``), node
positions (``positions``), which functions may write a header (``header_names``), read-only
walks (``walk``); parsing in worker processes (``parallel``) and parsed files kept between runs
(``tree_pickle``, ``tree_cache``). Imports nothing else of the engine.
"""
