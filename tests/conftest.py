"""Shared test settings."""

import os

# python-telegram-bot 22 warns about its int retry_after unless told to use timedelta;
# warnings are errors here, and the rate limiter's retries must not trip that.
os.environ.setdefault("PTB_TIMEDELTA", "true")
