"""The deployed settings, unchanged but for where the collected static files are and how.

The deployment's manifest storage needs `collectstatic`; a test collects into a directory of its
own (DEPLOYED_STATIC_ROOT) instead of writing into the checkout. The same manifest (hashed names)
without WhiteNoise's compressed copies: compressing takes seconds of CPU and changes nothing a
page says.
"""

import os

from tracker.settings import *  # noqa: F403

STATIC_ROOT = os.environ["DEPLOYED_STATIC_ROOT"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
