# The table of clear secrets goes once 0004 has encrypted them into core_encryptedtotpdevice.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0004_p17b_encrypt_secrets")]

    operations = [migrations.DeleteModel(name="TOTPDevice")]
