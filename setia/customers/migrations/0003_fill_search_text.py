from django.db import migrations


def fill_search_text(apps, schema_editor):
    from setia.customers.normalize import search_text_for

    Customer = apps.get_model("customers", "Customer")
    batch = []
    for customer in Customer.objects.only("id", "name", "phone").iterator(2000):
        customer.search_text = search_text_for(customer.name, customer.phone)
        batch.append(customer)
        if len(batch) >= 2000:
            Customer.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Customer.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_add_profile_consent_interactions_imports"),
    ]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
