"""Layer 4, the test harness: fault rules, the journal of answered requests, the server's own bugs.

Plain records beside the protocol; no HTTP. The app consults and fills them once per request.
"""
