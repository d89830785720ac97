from django import forms
from django.utils.translation import gettext_lazy as _

from setia.insights.models import PyramidSplit
from setia.lib.forms import percent_field


class AnalysisSettingsForm(forms.Form):
    pyramid_split = forms.ChoiceField(
        label=_("Pyramid tiers"),
        choices=PyramidSplit.choices,
        widget=forms.RadioSelect,
    )
    margin_bp = percent_field(
        _("Gross margin (%)"),
        help_text=_(
            "Leave empty to work it out from the cost prices (HPP) of what you "
            "sold. Example: bought for Rp 105.000, sold for Rp 150.000 = 30 %."
        ),
    )
