"""Text messages (SMS) behind one small interface, like Django's e-mail backends.

`settings.SMS_BACKEND` is the dotted path of a class with `send_messages(messages) -> int` (the number of messages
the provider accepted). Three are here:

- `BrevoBackend`, a real provider: Brevo's transactional SMS API (`POST /v3/transactionalSMS/sms`, the key in the
  `api-key` header, JSON `sender`, `recipient` in international format without "+", `content`, `type`), configured
  by SMS_API_URL, SMS_API_KEY and SMS_SENDER (docs/deploy-en.md). A message counts as sent only when the provider
  answers 2xx with a `messageId`; anything else raises `SmsError` (or counts 0 with `fail_silently`).
- `ConsoleBackend`, development only: prints each message, number and link included. Refused when DEBUG is off
  (the system check conserverie.E002, core/checks.py): it would put phone numbers and personal links in the log
  and call a reminder sent.
- `MemoryBackend`, tests only: keeps the messages in `outbox` (as `django.core.mail.outbox`), sends nothing.

Nothing here ever logs a phone number, a message's text (it holds the personal cancel link) or the provider's
answer (it may repeat them): only the HTTP status or the kind of failure (tests/core/test_sms.py).
"""

import json
import logging
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

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


class SmsError(Exception):
    """A message the provider did not accept. `reason` is short and holds no personal data ("http-503",
    "network", "no-message-id", "not-configured"): it is what the coordinator's list and the log show."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def post_json(url: str, headers: dict, payload: dict, timeout: float) -> tuple[int, bytes]:
    """POST `payload` as JSON: (HTTP status, body). The one place that goes on the network (tests replace it)."""
    request = urllib.request.Request(  # noqa: S310 - an https URL of the settings
        url, data=json.dumps(payload).encode(), headers={**headers, "content-type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, b""


class BrevoBackend(BaseBackend):
    """Brevo's transactional SMS (developers.brevo.com, "Send SMS message to a mobile number")."""

    DEFAULT_URL = "https://api.brevo.com/v3/transactionalSMS/sms"
    TIMEOUT = 15  # seconds

    def __init__(self, fail_silently: bool = False):
        super().__init__(fail_silently)
        self.url = getattr(settings, "SMS_API_URL", "") or self.DEFAULT_URL
        self.key = getattr(settings, "SMS_API_KEY", "")
        self.sender = getattr(settings, "SMS_SENDER", "") or "Conserverie"

    def payload(self, message: SmsMessage) -> dict:
        return {
            "sender": self.sender,
            "recipient": message.to.lstrip("+"),  # E.164 without its "+": 33612345678
            "content": message.text,
            "type": "transactional",
            "unicodeEnabled": not message.text.isascii(),  # accents: "Demain 14h, atelier…"
        }

    def send_one(self, message: SmsMessage) -> None:
        if not self.key:
            raise SmsError("not-configured")
        try:
            status, body = post_json(
                self.url, {"api-key": self.key, "accept": "application/json"}, self.payload(message), self.TIMEOUT
            )
        except (OSError, ValueError):  # refused, unreachable, timed out; never the exception's text (its URL only)
            raise SmsError("network") from None
        if not 200 <= status < 300:
            raise SmsError(f"http-{status}")
        try:
            accepted = json.loads(body or b"{}").get("messageId")
        except (ValueError, AttributeError):
            accepted = None
        if not accepted:
            raise SmsError("no-message-id")

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            try:
                self.send_one(message)
            except SmsError as exc:
                log.warning("SMS not accepted by the provider: %s", exc.reason)
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent


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
