"""Layer 5, the WSGI application: routes a request to its operation, applies faults, writes the journal.

Imports ``state``, ``protocol`` and ``harness``; never the server, so it runs under any WSGI server.
"""
