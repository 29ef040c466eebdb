from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0019_two_factor")]

    operations = []
