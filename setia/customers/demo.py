"""Demo customers: Indonesian names, +62 8xx numbers, retail and resellers."""

import random
from datetime import date

from setia.customers.models import Customer, CustomerType

FIRST_NAMES = [
    "Siti",
    "Ayu",
    "Dewi",
    "Rina",
    "Sri",
    "Nur",
    "Putri",
    "Wulan",
    "Indah",
    "Fitri",
    "Yuni",
    "Lestari",
    "Ratna",
    "Maya",
    "Dian",
    "Rini",
    "Tuti",
    "Eka",
    "Novi",
    "Wati",
    "Ani",
    "Yanti",
    "Nurul",
    "Aisyah",
    "Fatimah",
    "Rahma",
    "Intan",
    "Kartika",
    "Mega",
    "Ratih",
    "Sari",
    "Anisa",
    "Lina",
    "Desi",
    "Vina",
    "Reni",
    "Tika",
    "Ika",
    "Nia",
    "Winda",
    "Dina",
    "Evi",
    "Hana",
    "Laila",
    "Zahra",
    "Salsabila",
    "Nabila",
    "Khadijah",
    "Aminah",
    "Halimah",
    "Rosita",
    "Susi",
    "Endang",
    "Yuliani",
]
LAST_NAMES = [
    "Lestari",
    "Sari",
    "Wati",
    "Handayani",
    "Rahayu",
    "Susanti",
    "Puspita",
    "Wulandari",
    "Kusuma",
    "Pertiwi",
    "Hidayati",
    "Maharani",
    "Permata",
    "Anggraini",
    "Safitri",
    "Utami",
    "Rahmawati",
    "Fitriani",
    "Nuraini",
    "Setiawati",
    "Suryani",
    "Hasanah",
    "Kurniasih",
    "Purnamasari",
    "Damayanti",
    "Oktaviani",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Hutapea",
    "Tanjung",
    "Lubis",
    "Harahap",
    "Pohan",
]
PREFIXES = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "851",
    "852",
    "853",
    "857",
    "858",
    "877",
    "878",
    "895",
    "896",
    "897",
    "898",
    "899",
    "817",
    "818",
    "819",
)


def populate(shop, rng: random.Random, today: date, n_customers: int = 600) -> str:
    seen: set[str] = set()
    rows = []
    while len(rows) < n_customers:
        phone = f"+62{rng.choice(PREFIXES)}{rng.randrange(10**7, 10**8)}"
        if phone in seen:
            continue
        seen.add(phone)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        kind = CustomerType.RESELLER if rng.random() < 0.06 else CustomerType.RETAIL
        rows.append(Customer(shop=shop, name=name, phone=phone, customer_type=kind))
    Customer.objects.bulk_create(rows, batch_size=500)
    return f"{len(rows)} customers"
