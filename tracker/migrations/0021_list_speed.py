from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0020_report_summary")]

    operations = []
