"""The optional photo of a surplus offer: a JPEG or PNG of at most 5 MB, checked by its content, not its name."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
FORMATS = {"JPEG": "jpg", "PNG": "png"}


def photo_format(upload) -> str:
    """The checked format of `upload` ("JPEG" or "PNG"), or a ValidationError in French."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("La photo dépasse 5 Mo : envoyez une image plus légère."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("Ce fichier n'est pas une photo lisible (JPEG ou PNG).")) from None
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise ValidationError(_("Envoyez une photo au format JPEG ou PNG."))
    return kind


def check_photo(upload) -> None:
    photo_format(upload)


def photo_name(upload) -> str:
    """A random file name: the farmer's own file name never reaches the disk."""
    return f"{uuid.uuid4().hex}.{FORMATS[photo_format(upload)]}"
