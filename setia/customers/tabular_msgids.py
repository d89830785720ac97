"""Keeps the messages of setia/lib/tabular.py in this app's Indonesian catalogue.

`setia.lib` has no catalogue of its own; Django translates a msgid from any app's
catalogue, so listing the same English texts here translates them everywhere
(the sales import uses them too). A test checks this list matches tabular.MESSAGES.
"""

from django.utils.translation import gettext_lazy as _

MSGIDS = [
    _("The file is empty."),
    _("The file is too big (largest allowed: %(limit)s MB)."),
    _("This is not a text or spreadsheet file."),
    _("Upload a CSV, Excel (.xlsx) or contacts (.vcf) file."),
    _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV."),
    _("This file says it is Excel (.xlsx) but it is not."),
    _("This Excel file unpacks to far more data than it holds."),
    _("This Excel sheet is too large (%(cells)s cells)."),
    _("This Excel file contains unsafe XML."),
    _(
        "This Excel file has too many formulas. Copy the cells and paste them "
        "as values, then upload again."
    ),
    _("The first row must hold the column names."),
    _("The file has column names but no rows."),
    _("The file has more than %(limit)s rows."),
    _("The file could not be read: it may be damaged."),
]
