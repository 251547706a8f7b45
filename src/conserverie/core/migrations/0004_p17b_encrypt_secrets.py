"""Every second factor set up before django-otp keeps working: its clear secret is encrypted into a new device.

Only confirmed set-ups are carried over (an unconfirmed one was never used: its owner starts again). The step of the
last code accepted carries over too, so a code that has served still cannot serve again. The encryption is the
platform's (core/two_factor.py: TWO_FACTOR_KEYS, else a key derived from SECRET_KEY): set TWO_FACTOR_KEYS before this
migration runs if you mean to use a dedicated key. Nobody receives recovery codes here: each person creates them on
the page « Double authentification ».
"""

import base64

from django.db import migrations
from django.utils import timezone


def encrypt_clear_secrets(apps, schema_editor):
    from conserverie.core.two_factor import encrypt_secret

    Old = apps.get_model("core", "TOTPDevice")
    New = apps.get_model("core", "EncryptedTOTPDevice")
    for old in Old.objects.filter(confirmed_at__isnull=False).order_by("pk").iterator():
        secret = old.secret.strip().upper()
        raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
        device = New.objects.create(
            user_id=old.user_id,
            name="Application d'authentification",
            confirmed=True,
            encrypted_key=encrypt_secret(raw),
            last_t=old.last_step if old.last_step > 0 else -1,
        )
        New.objects.filter(pk=device.pk).update(created_at=old.confirmed_at)


def decrypt_back(apps, schema_editor):
    """Back to the release before django-otp (its code reads clear secrets): the confirmed devices, decrypted."""
    from conserverie.core.two_factor import decrypt_secret

    Old = apps.get_model("core", "TOTPDevice")
    New = apps.get_model("core", "EncryptedTOTPDevice")
    for device in New.objects.filter(confirmed=True).order_by("user_id", "-pk").iterator():
        if Old.objects.filter(user_id=device.user_id).exists():
            continue
        Old.objects.create(
            user_id=device.user_id,
            secret=base64.b32encode(decrypt_secret(device.encrypted_key)).decode("ascii").rstrip("="),
            confirmed_at=device.created_at or device.last_used_at or timezone.now(),
            last_step=max(device.last_t, 0),
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_p17b_second_factor")]

    operations = [migrations.RunPython(encrypt_clear_secrets, decrypt_back)]
