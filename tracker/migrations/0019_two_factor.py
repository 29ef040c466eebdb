from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0018_report_indexes")]

    operations = []
