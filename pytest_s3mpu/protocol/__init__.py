"""Layer 3, the protocol: how S3 spells requests and answers on the wire (XML, headers, bodies, routes).

Imports only ``state``. No socket and no WSGI: bytes and strings in, model values out, and back.
"""
