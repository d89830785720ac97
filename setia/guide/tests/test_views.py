import pytest
from django.urls import reverse

from setia.guide.topics import TOPICS

pytestmark = pytest.mark.django_db

# One phrase per topic that only the right language's text contains.
PHRASES = {
    "crm": ("merawat hubungan baik dengan pelanggan", "share of wallet"),
    "proses-crm": ("Kumpulkan data pelanggan", "Collect customer data"),
    "database-pelanggan": ("Cara meminta dengan sopan", "How to ask politely"),
    "privasi": ("UU No. 27 Tahun 2022", "Law No. 27 of 2022"),
    "piramida-pelanggan": (
        "pelanggan besi dan emas diubah menjadi pelanggan platinum",
        "iron and gold customers are turned into platinum customers",
    ),
    "rfm": ("Jangan Sampai Hilang", "Can't lose them"),
    "nilai-pelanggan": ("Peluang masih aktif", "Chance still active"),
    "retensi": ("Personalisasi", "Personalisation"),
    "program-loyalitas": ("jangan sampai untung habis", "don't give your profit away"),
    "model-laba-strategis": ("Perputaran aset", "Asset turnover"),
    "cara-pakai": ("Setiap penjualan: 30 detik", "Every sale: 30 seconds"),
}
TODAY = ("Apa yang bisa Ibu lakukan hari ini", "What you can do today")


def topic_url(slug: str) -> str:
    return reverse("guide:topic", kwargs={"topic": slug})


def test_every_topic_has_a_phrase_to_check():
    assert set(PHRASES) == {topic.slug for topic in TOPICS}


@pytest.mark.parametrize("slug", sorted(PHRASES))
def test_topic_reads_in_indonesian_by_default(staff_client, slug):
    response = staff_client.get(topic_url(slug))
    assert response.status_code == 200
    text = response.content.decode()
    assert PHRASES[slug][0] in text
    assert TODAY[0] in text
    assert TODAY[1] not in text


@pytest.mark.parametrize("slug", sorted(PHRASES))
def test_topic_reads_in_english_for_an_english_user(staff_client, staff_user, slug):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    response = staff_client.get(topic_url(slug))
    assert response.status_code == 200
    text = response.content.decode()
    assert PHRASES[slug][1] in text
    assert TODAY[1] in text
    assert TODAY[0] not in text


def test_index_links_every_topic(staff_client):
    response = staff_client.get(reverse("guide:index"))
    assert response.status_code == 200
    text = response.content.decode()
    for topic in TOPICS:
        assert f'href="{topic_url(topic.slug)}"' in text
    assert "Semua topik" in text


def test_index_is_in_english_for_an_english_user(staff_client, staff_user):
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    text = staff_client.get(reverse("guide:index")).content.decode()
    assert "All topics" in text
    assert "The customer pyramid" in text


def test_topic_page_shows_its_indonesian_title_and_next_topic(staff_client):
    text = staff_client.get(topic_url("crm")).content.decode()
    assert "Apa itu CRM?" in text
    assert "Topik 1 dari 11" in text
    assert f'href="{topic_url("proses-crm")}" rel="next"' in text
    assert 'rel="prev"' not in text


def test_last_topic_has_no_next_link(staff_client):
    text = staff_client.get(topic_url(TOPICS[-1].slug)).content.decode()
    assert 'rel="prev"' in text
    assert 'rel="next"' not in text


def test_unknown_topic_is_not_found(staff_client):
    assert staff_client.get(topic_url("tidak-ada")).status_code == 404


def test_owner_reads_the_guide_too(owner_client):
    assert owner_client.get(topic_url("privasi")).status_code == 200


@pytest.mark.parametrize(
    "url", [reverse("guide:index"), reverse("guide:topic", kwargs={"topic": "crm"})]
)
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]
