"""Layer 4, the test harness: fault rules, the journal of answered requests, the server's own bugs, and
the connection extension the server gives the app (``connection``).

Plain records beside the protocol; no HTTP. The app consults and fills them once per request.
"""
