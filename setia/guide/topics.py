"""The guide's topics, in reading order.

Titles and summaries are short UI strings and go through gettext; each topic's
long text lives in one template per language, `guide/topics/<lang>/<slug>.html`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Languages with their own topic texts; any other language falls back to the first.
TEXT_LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Topic:
    slug: str
    icon: str
    title: Promise
    summary: Promise

    def template_name(self, language: str | None = None) -> str:
        """The template holding this topic's text in `language` (default: active)."""
        code = (language or get_language() or TEXT_LANGUAGES[0]).split("-")[0]
        if code not in TEXT_LANGUAGES:
            code = TEXT_LANGUAGES[0]
        return f"guide/topics/{code}/{self.slug}.html"


TOPICS = (
    Topic(
        "crm",
        "🤝",
        _("What is CRM?"),
        _("Looking after good customers so they keep coming back."),
    ),
    Topic(
        "proses-crm",
        "🔄",
        _("The four steps of CRM"),
        _("Collect, analyse, plan a programme, carry it out."),
    ),
    Topic(
        "database-pelanggan",
        "📒",
        _("The customer book"),
        _("What to write down about each customer, and how to ask."),
    ),
    Topic(
        "privasi",
        "🔒",
        _("Customer privacy and the PDP law"),
        _("Tell, ask, let them see, keep it safe, use it only as agreed."),
    ),
    Topic(
        "piramida-pelanggan",
        "🔺",
        _("The customer pyramid"),
        _("Platinum, Gold, Iron and Lead customers, and what to do with each."),
    ),
    Topic(
        "rfm",
        "🧭",
        _("RFM: recent, often, how much"),
        _("Eleven customer groups and one step for each."),
    ),
    Topic(
        "nilai-pelanggan",
        "💎",
        _("Customer value and chance still active"),
        _("What the estimates mean and when to trust them."),
    ),
    Topic(
        "retensi",
        "💬",
        _("Keeping customers"),
        _("Remember what they like, and make them feel part of the shop."),
    ),
    Topic(
        "program-loyalitas",
        "⭐",
        _("Loyalty programmes"),
        _("Points, tiers, rewards and member cards without losing your margin."),
    ),
    Topic(
        "model-laba-strategis",
        "🧮",
        _("The strategic profit model"),
        _("Profit margin times asset turnover: what the money in your shop earns."),
    ),
    Topic(
        "cara-pakai",
        "📱",
        _("Using Setia every day"),
        _("Thirty seconds per sale, ten minutes a week."),
    ),
)

TOPICS_BY_SLUG = {topic.slug: topic for topic in TOPICS}
