from django import forms
from django.utils.translation import gettext_lazy as _

from setia.campaigns.models import MAX_CONTROL_PERCENT, Audience, Campaign
from setia.campaigns.results import DEFAULT_WINDOW_DAYS, WINDOW_CHOICES
from setia.campaigns.wording import check_placeholders
from setia.loyalty.models import Tier

# Which extra field each audience needs; the others are cleared on save.
NEEDS = {
    Audience.PYRAMID: "pyramid_level",
    Audience.LOYALTY_TIER: "loyalty_tier",
    Audience.LAPSED: "lapsed_days",
}


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "message",
            "audience",
            "pyramid_level",
            "loyalty_tier",
            "lapsed_days",
            "control_percent",
        ]
        widgets = {
            "audience": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5}),
            "lapsed_days": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "control_percent": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 0, "max": MAX_CONTROL_PERCENT}
            ),
        }
        labels = {
            "pyramid_level": _("Which pyramid level"),
            "loyalty_tier": _("Which loyalty tier"),
            "lapsed_days": _("Not bought for at least (days)"),
            "control_percent": _("Not sent, to compare (%)"),
        }
        help_texts = {
            "name": _("For you only, e.g. “New gamis stock, June”."),
            "message": _(
                "{nama} becomes the customer's name, {toko} the shop's name. "
                "Setia adds a line telling how to stop these messages."
            ),
            "control_percent": _(
                "These customers are picked at random and not sent the message, "
                "so you can see whether it made people come. With 0 you will never "
                "know what worked. From 0 to 50."
            ),
        }

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loyalty_tier"].queryset = Tier.objects.filter(
            shop=shop, is_active=True
        )
        self.fields["message"].widget.attrs["placeholder"] = _(
            "Hello {nama}, the new gamis models have arrived at {toko}…"
        )

    def clean_message(self):
        text = self.cleaned_data["message"].strip()
        check_placeholders(text)
        return text

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        needed = NEEDS.get(audience)
        for name in NEEDS.values():
            if name != needed:
                data[name] = None
        if needed and data.get(needed) in (None, ""):
            self.add_error(needed, _("Choose this for the audience you picked."))
        if audience == Audience.LAPSED and (data.get("lapsed_days") or 0) < 1:
            self.add_error("lapsed_days", _("At least 1 day."))
        return data


class WindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Count purchases in the first"),
        coerce=int,
        initial=DEFAULT_WINDOW_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [
            (d, _("%(days)s days") % {"days": d}) for d in WINDOW_CHOICES
        ]
