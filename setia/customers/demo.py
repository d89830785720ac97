"""Demo customers: Indonesian names, +62 8xx numbers, retail and resellers.

Around Pasar 8 Alam Sutera: areas in Serpong and Tangerang Selatan, birthdays,
sizes, how they found the kiosk, consent for most, a few referrals, some
interactions with follow-ups, and a self-reported monthly clothing spend.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from setia.customers.models import (
    AcquisitionSource,
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    Customer,
    CustomerType,
    Gender,
    Interaction,
    InteractionKind,
)
from setia.customers.normalize import search_text_for
from setia.customers.services import current_notice

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


AREAS = [
    ("Pakualam", "Tangerang Selatan"),
    ("Serpong Utara", "Tangerang Selatan"),
    ("Serpong", "Tangerang Selatan"),
    ("Pondok Jagung", "Tangerang Selatan"),
    ("Paku Jaya", "Tangerang Selatan"),
    ("Lengkong Gudang", "Tangerang Selatan"),
    ("Ciputat", "Tangerang Selatan"),
    ("Pondok Aren", "Tangerang Selatan"),
    ("Pagedangan", "Kabupaten Tangerang"),
    ("Kelapa Dua", "Kabupaten Tangerang"),
    ("Karawaci", "Kota Tangerang"),
    ("Cipondoh", "Kota Tangerang"),
    ("Kebon Jeruk", "Jakarta Barat"),
]
SOURCES = [
    (AcquisitionSource.WALK_IN, 45),
    (AcquisitionSource.WHATSAPP, 15),
    (AcquisitionSource.INSTAGRAM, 15),
    (AcquisitionSource.TIKTOK, 8),
    (AcquisitionSource.REFERRAL, 10),
    (AcquisitionSource.MARKET_EVENT, 5),
    (AcquisitionSource.OTHER, 2),
]
SIZES = ["S", "M", "L", "XL", "XXL", "M, L", "L, XL", "All size", "Jumbo"]
FAVOURITES = [
    "gamis hitam",
    "tunik pastel",
    "kulot",
    "hijab segi empat",
    "blouse batik",
    "dress brokat",
    "warna sage",
    "warna mocca",
    "set koko anak",
    "mukena",
]
REQUESTS = [
    ("request", "Cari gamis hitam ukuran XL"),
    ("request", "Tanya stok tunik warna sage ukuran L"),
    ("chat", "Tanya ongkir ke Serpong"),
    ("visit", "Lihat-lihat koleksi Lebaran"),
    ("complaint", "Jahitan kulot lepas, minta tukar"),
    ("request", "Pesan 6 potong hijab untuk arisan"),
]
TAGS = ["arisan", "pengajian", "kantor", "langganan", "lebaran", "online"]


def populate(shop, rng: random.Random, today: date, n_customers: int = 600) -> str:
    seen: set[str] = set()
    rows = []
    source_values = [s for s, _w in SOURCES]
    source_weights = [w for _s, w in SOURCES]
    while len(rows) < n_customers:
        phone = f"+62{rng.choice(PREFIXES)}{rng.randrange(10**7, 10**8)}"
        if phone in seen:
            continue
        seen.add(phone)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        kind = CustomerType.RESELLER if rng.random() < 0.06 else CustomerType.RETAIL
        customer = Customer(
            shop=shop,
            name=name,
            phone=phone,
            customer_type=kind,
            search_text=search_text_for(name, phone),
            gender=Gender.FEMALE if rng.random() < 0.93 else Gender.MALE,
            acquisition_source=rng.choices(source_values, source_weights)[0],
        )
        if rng.random() < 0.7:
            customer.birth_day = rng.randint(1, 28)
            customer.birth_month = rng.randint(1, 12)
            if rng.random() < 0.6:
                customer.birth_year = rng.randint(1965, 2005)
        if rng.random() < 0.8:
            customer.area, customer.city = rng.choice(AREAS)
        if rng.random() < 0.5:
            customer.sizes = rng.choice(SIZES)
        if rng.random() < 0.35:
            customer.favourites = rng.choice(FAVOURITES)
        if rng.random() < 0.2:
            customer.tags = rng.choice(TAGS)
        if rng.random() < 0.25:
            customer.monthly_clothing_spend_idr = rng.choice(
                [150_000, 250_000, 300_000, 500_000, 750_000, 1_000_000, 2_000_000]
            )
        customer.has_marketing_consent = rng.random() < 0.85
        rows.append(customer)
    Customer.objects.bulk_create(rows, batch_size=500)
    saved = list(Customer.objects.filter(shop=shop).order_by("id"))
    referrals = _referrals(rng, saved)
    consents = _consents(shop, rng, saved)
    interactions = _interactions(shop, rng, saved, today)
    return (
        f"{len(rows)} customers, {consents} consent events, "
        f"{interactions} interactions, {referrals} referrals"
    )


def _referrals(rng: random.Random, customers: list[Customer]) -> int:
    referred = [
        c for c in customers if c.acquisition_source == AcquisitionSource.REFERRAL
    ]
    for customer in referred:
        referrer = rng.choice(customers)
        if referrer.pk != customer.pk:
            customer.referred_by = referrer
    changed = [c for c in referred if c.referred_by_id]
    Customer.objects.bulk_update(changed, ["referred_by"], batch_size=500)
    return len(changed)


def _consents(shop, rng: random.Random, customers: list[Customer]) -> int:
    notice = current_notice(shop)
    events = []
    for c in customers:
        source = rng.choice([ConsentSource.IN_PERSON, ConsentSource.WHATSAPP_REPLY])
        base = {"shop": shop, "customer": c, "source": source, "notice": notice}
        events.append(
            ConsentEvent(
                purpose=ConsentPurpose.MARKETING,
                channel=ConsentChannel.WHATSAPP,
                is_granted=c.has_marketing_consent,
                **base,
            )
        )
        if c.birth_day:
            events.append(
                ConsentEvent(
                    purpose=ConsentPurpose.BIRTHDAY,
                    channel=ConsentChannel.WHATSAPP,
                    is_granted=rng.random() < 0.9,
                    **base,
                )
            )
        events.append(
            ConsentEvent(
                purpose=ConsentPurpose.ANALYSIS,
                channel=ConsentChannel.WHATSAPP,
                is_granted=rng.random() < 0.8,
                **base,
            )
        )
    ConsentEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def _interactions(shop, rng: random.Random, customers, today: date) -> int:
    rows = []
    for c in rng.sample(customers, k=min(len(customers), max(3, len(customers) // 8))):
        kind, text = rng.choice(REQUESTS)
        happened = today - timedelta(days=rng.randint(0, 60))
        follow_up = None
        if kind in (InteractionKind.REQUEST, InteractionKind.COMPLAINT):
            follow_up = happened + timedelta(days=rng.randint(1, 14))
        done = None
        if follow_up and follow_up < today and rng.random() < 0.6:
            done = timezone.now()
        rows.append(
            Interaction(
                shop=shop,
                customer=c,
                kind=kind,
                text=text,
                happened_on=happened,
                follow_up_on=follow_up,
                follow_up_done_at=done,
            )
        )
    Interaction.objects.bulk_create(rows, batch_size=500)
    return len(rows)
