from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.lib.form_fields import DateInput, RupiahField


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    sku = forms.CharField(label=_("Code"), max_length=40, required=False)
    category = forms.CharField(
        label=_("Category"),
        max_length=60,
        required=False,
        help_text=_("e.g. gamis, tunik, hijab"),
    )
    price_idr = RupiahField(label=_("Retail price"))
    grosir_price_idr = RupiahField(
        label=_("Grosir price"), required=False, help_text=_("Empty: no grosir price")
    )
    grosir_min_qty = forms.IntegerField(
        label=_("Grosir from (pieces)"), min_value=1, initial=3
    )
    cost_idr = RupiahField(label=_("Cost price (HPP)"), required=False)
    sizes = forms.CharField(
        label=_("Sizes"),
        required=False,
        help_text=_("Comma separated, e.g. S, M, L, XL"),
    )
    colours = forms.CharField(
        label=_("Colours"),
        required=False,
        help_text=_("Comma separated, e.g. Hitam, Navy, Mocca"),
    )
    tracks_stock = forms.BooleanField(label=_("Track stock"), required=False)
    is_active = forms.BooleanField(label=_("For sale"), required=False, initial=True)


class RestockForm(forms.Form):
    supplier = forms.CharField(
        label=_("Supplier"), max_length=120, initial="Tanah Abang"
    )
    received_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=DateInput(),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One row per item sold: date, customer number and/or name, product, "
            "quantity, amount."
        ),
    )
