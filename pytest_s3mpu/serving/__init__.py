"""Layer 6, serving: the threaded HTTP/1.1 server that carries requests to the WSGI app.

Holds no S3 rule. Connection-level actions (reset, truncate) are the server's own.
"""
