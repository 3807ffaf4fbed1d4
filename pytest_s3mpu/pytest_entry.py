"""The ``pytest11`` entry point ``s3mpu``: it loads ``pytest_s3mpu.plugin`` under the plugin's module name.

Layer 7. pytest registers an entry point's module under the entry point's name, and a conftest's
``pytest_plugins = ["pytest_s3mpu.plugin"]`` under the module's name; the same module under two names is
"Plugin already registered". Registered here by its module name, the plugin is found by that line and
loaded once, while ``-p no:s3mpu`` still turns it off.
"""

pytest_plugins = ["pytest_s3mpu.plugin"]
