"""Text messages (SMS) behind one small interface, like Django's e-mail backends: no provider is hard-wired.

`settings.SMS_BACKEND` is the dotted path of a class with `send_messages(messages) -> int`. The default, the
console backend, prints each message and keeps it in `outbox` (tests read `conserverie.core.sms.outbox`, as
they read `django.core.mail.outbox`). A provider's backend is a class of a few lines in the deployment.
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "conserverie.core.sms.ConsoleBackend"

# The messages the console and memory backends accepted, oldest first (the last OUTBOX_MAX only, so a long-running
# server with the default backend does not grow without bound).
outbox: list["SmsMessage"] = []
OUTBOX_MAX = 1000


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class BaseBackend:
    def __init__(self, fail_silently: bool = False):
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[SmsMessage]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class MemoryBackend(BaseBackend):
    """Keeps the messages in `outbox` and sends nothing (tests)."""

    def send_messages(self, messages):
        outbox.extend(messages)
        del outbox[:-OUTBOX_MAX]
        return len(messages)


class ConsoleBackend(MemoryBackend):
    """Prints each message on standard output and keeps it in `outbox` (development, and the default)."""

    def send_messages(self, messages):
        for message in messages:
            sys.stdout.write(f"SMS à {message.to} :\n{message.text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return super().send_messages(messages)


def get_backend(fail_silently: bool = False) -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND)(
        fail_silently=fail_silently
    )


def send_sms(to: str, text: str, fail_silently: bool = False) -> int:
    """Send one text message; the number of messages sent (0 or 1)."""
    to = (to or "").strip()
    if not to:
        return 0
    return get_backend(fail_silently=fail_silently).send_messages([SmsMessage(to=to, text=text)])
