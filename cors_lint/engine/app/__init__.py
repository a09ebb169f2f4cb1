"""What a Flask app does with what the interpreter found: the objects models create (apps,
blueprints, hooks, views, sites: ``app_objects``), each app's url_map (``routes``), the CORS
layers of each route in flask-cors's order (``resolve``), hand-written ``Access-Control-*``
headers and the checks around them (``manual_headers``), the ``CORS_*`` keys the project reads
(``config_reads``) and the account of every place that looks like CORS (``sites_account``).
Imports the source and the interpreter's values.
"""
