import factory

from setia.accounts.tests.factories import ShopFactory
from setia.customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Pelanggan {n}")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
