"""Layers 1-2, the state machine: S3's errors, rules and stored state, with no HTTP and no XML.

Imports nothing above it. Everything here is plain values in, plain values or ``S3Error`` out.
"""
