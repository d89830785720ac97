"""Erasing a customer's personal data on request: when it happened, and the
consent source of the withdrawals it records (a choice only: no SQL on either
database). A nullable column is added in place, without a table rebuild.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_last_purchase_list_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='erased_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='personal data erased at'),
        ),
        migrations.AlterField(
            model_name='consentevent',
            name='source',
            field=models.CharField(choices=[('in_person', 'In person'), ('whatsapp_reply', 'WhatsApp reply'), ('form', 'Form'), ('import', 'Import'), ('erasure', 'Personal data erased')], max_length=20, verbose_name='source'),
        ),
    ]
