from setia.customers import services
from setia.customers.models import ImportJob
from setia.customers.tests.factories import CustomerFactory


def make_objects(shop, owner):
    customer = CustomerFactory(shop=shop, name="Rahasia-Pelanggan-A")
    interaction = services.log_interaction(
        customer, owner, "request", "Rahasia-Permintaan-A"
    )
    job = ImportJob.objects.create(
        shop=shop,
        file_kind="csv",
        file_path="/nonexistent/rahasia.csv",
        original_name="Rahasia-Berkas-A.csv",
    )
    return (
        {
            "customer_id": customer.pk,
            "interaction_id": interaction.pk,
            "job_id": job.pk,
        },
        ["Rahasia-Pelanggan-A", "Rahasia-Permintaan-A", "Rahasia-Berkas-A"],
    )
