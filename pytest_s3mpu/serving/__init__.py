"""Layer 6, serving: the threaded HTTP/1.1 server that carries requests to a WSGI app.

Holds no S3 rule and never imports the app (a sibling layer): it serves any WSGI app, and gives it one
extension, ``harness.connection.Connection``, through which connection-level faults (reset, truncate,
cut_request) act on the socket. ``pytest_s3mpu.s3server`` puts server and app together.
"""
