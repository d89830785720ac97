"""Importing customers from CSV, Excel and phone contacts: preview, then commit.

`preview_import` reads the stored file and says, per row, what would happen;
nothing is written. `commit_import` does the same walk before its transaction,
spooling the rows to write to a temporary file, then writes them all in one
transaction (all-or-nothing), reporting progress to a small file the browser
polls. Rows match existing customers by normalised number, and a row
equal to what is stored is "unchanged", so re-importing a file changes nothing.
"""

import json
import logging
import os
import pickle
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from setia.accounts import audit
from setia.accounts.models import Shop, User
from setia.customers import search_index
from setia.customers.models import (
    Customer,
    CustomerType,
    ErasedNumber,
    Gender,
    ImportJob,
    erased_number_digest,
)
from setia.customers.models import ImportStatus as Status
from setia.customers.normalize import fast_mobile_e164, parse_tags, search_text_for
from setia.customers.vcards import read_contacts
from setia.lib import tabular
from setia.lib.phones import normalize_phone

log = logging.getLogger(__name__)

# Rows planned per spooled batch; also how often the progress bar moves.
PROGRESS_EVERY = 2000
# Rows per multi-row INSERT (20 columns each: well under SQLite's 32,766
# parameters and PostgreSQL's 65,535).
INSERT_ROWS = 500
# SQLite page cache while an import writes, in KiB (negative pragma value).
BULK_CACHE_KIB = -64 * 1024

# Header synonyms, compared without case, spaces or punctuation.
SYNONYMS = {
    "name": [
        "nama",
        "nama pelanggan",
        "nama lengkap",
        "nama customer",
        "nama konsumen",
        "customer",
        "customer name",
        "full name",
    ],
    "phone": [
        "no hp",
        "nomor hp",
        "hp",
        "no wa",
        "nomor wa",
        "wa",
        "whatsapp",
        "no whatsapp",
        "nomor whatsapp",
        "telepon",
        "telp",
        "no telp",
        "no telepon",
        "handphone",
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
    ],
    "birthday": [
        "tgl lahir",
        "tanggal lahir",
        "ulang tahun",
        "ultah",
        "birthday",
        "date of birth",
        "dob",
        "birth date",
    ],
    "address": ["alamat", "address", "alamat rumah"],
    "city": ["kota", "kabupaten", "kota kabupaten", "city"],
    "area": ["kecamatan", "kelurahan", "daerah", "wilayah", "area", "district"],
    "email": ["email", "e mail", "surel"],
    "notes": ["catatan", "keterangan", "ket", "notes", "note", "remarks"],
    "customer_type": ["jenis", "tipe", "jenis pelanggan", "type", "customer type"],
    "gender": ["jenis kelamin", "jk", "gender", "sex"],
    "sizes": ["ukuran", "size", "sizes"],
    "tags": ["tag", "tags", "label"],
}
# Fields an import may set; order is the preview's column order.
IMPORT_FIELDS = list(SYNONYMS)
STORED_FIELDS = [
    "name",
    "phone",
    "birth_day",
    "birth_month",
    "birth_year",
    "address",
    "city",
    "area",
    "email",
    "notes",
    "customer_type",
    "gender",
    "sizes",
    "tags",
]


def field_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "phone": capfirst(_("WhatsApp number")),
        "birthday": _("Birthday"),
        "address": _("Address"),
        "city": _("City"),
        "area": _("Area"),
        "email": _("Email"),
        "notes": _("Notes"),
        "customer_type": _("Customer type"),
        "gender": _("Gender"),
        "sizes": _("Sizes"),
        "tags": _("Tags"),
    }


# ---- the stored upload ------------------------------------------------------


def imports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(shop: Shop, by: User | None, upload, name: str) -> ImportJob:
    """Save an uploaded file (Django UploadedFile or bytes path) and check it.

    Raises TabularError (and removes the file) when the file is refused.
    """
    suffix = Path(name).suffix.lower()[:8]
    path = imports_dir() / f"{uuid.uuid4().hex}{suffix}"
    size = 0
    limit = settings.MAX_UPLOAD_BYTES
    with path.open("wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload]:
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    try:
        if size > limit:
            raise tabular.TabularError("too_big", limit=limit // (1024 * 1024))
        kind = tabular.check_upload(path, name, allowed=("csv", "xlsx", "vcf"))
        mapping = {}
        if kind != "vcf":
            with tabular.open_table(path, kind) as table:
                mapping = tabular.match_headers(table.headers, SYNONYMS)
                next(table.rows(), None)  # refuses a header without rows
    except tabular.TabularError:
        path.unlink(missing_ok=True)
        raise
    return ImportJob.objects.create(
        shop=shop,
        created_by=by if by is not None and by.is_authenticated else None,
        file_kind=kind,
        file_path=str(path),
        original_name=Path(name).name[:255],
        mapping=mapping,
    )


def job_headers(job: ImportJob) -> list[str]:
    if job.file_kind == "vcf":
        return []
    with tabular.open_table(job.file_path, job.file_kind) as table:
        return table.headers


def discard_job(job: ImportJob) -> None:
    Path(job.file_path).unlink(missing_ok=True)
    progress_path(job).unlink(missing_ok=True)


# ---- rows -------------------------------------------------------------------


def source_rows(job: ImportJob) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, {field: text})`` for every row (or chosen contact)."""
    if job.file_kind == "vcf":
        chosen = set(job.selected)
        for contact in read_contacts(job.file_path):
            if contact.index not in chosen:
                continue
            yield (
                contact.index,
                {
                    "name": contact.name,
                    "phone": contact.phone or ", ".join(contact.raw_phones),
                    "birthday": contact.birthday,
                    "email": contact.email,
                    "address": contact.address,
                    "city": contact.city,
                    "notes": contact.notes,
                },
            )
        return
    mapping = {k: int(v) for k, v in job.mapping.items() if k in SYNONYMS}
    with tabular.open_table(job.file_path, job.file_kind) as table:
        for number, cells in table.rows():
            yield number, {name: cells[index] for name, index in mapping.items()}


_TYPES = {
    "reseller": CustomerType.RESELLER,
    "grosir": CustomerType.RESELLER,
    "agen": CustomerType.RESELLER,
    "wholesale": CustomerType.RESELLER,
    "eceran": CustomerType.RETAIL,
    "retail": CustomerType.RETAIL,
    "umum": CustomerType.RETAIL,
}
_GENDERS = {
    "p": Gender.FEMALE,
    "perempuan": Gender.FEMALE,
    "wanita": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "l": Gender.MALE,
    "laki laki": Gender.MALE,
    "laki-laki": Gender.MALE,
    "pria": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
}


def clean_row(raw: dict[str, str]) -> tuple[dict, list[str]]:
    """Turn one row's text into model values; return (values, reasons to reject)."""
    reasons: list[str] = []
    values: dict = {}
    name = " ".join((raw.get("name") or "").split())[:150]
    if not name:
        reasons.append(_("No name."))
    values["name"] = name
    phone_text = (raw.get("phone") or "").strip()
    if not phone_text:
        reasons.append(_("No WhatsApp number."))
    else:
        try:
            values["phone"] = fast_mobile_e164(phone_text) or normalize_phone(
                phone_text
            )
        except ValidationError:
            reasons.append(
                _("“%(value)s” is not a valid phone number.") % {"value": phone_text}
            )
    birthday = (raw.get("birthday") or "").strip()
    if birthday:
        try:
            day, month, year = tabular.parse_date_parts(birthday)
            values.update(birth_day=day, birth_month=month, birth_year=year)
        except ValueError:
            reasons.append(
                _("Birthday “%(value)s” is not a date.") % {"value": birthday}
            )
    email = (raw.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
            values["email"] = email
        except ValidationError:
            reasons.append(_("“%(value)s” is not an email address.") % {"value": email})
    for key, limit in (("address", 255), ("city", 100), ("area", 100), ("sizes", 60)):
        text = " ".join((raw.get(key) or "").split())
        if text:
            values[key] = text[:limit]
    notes = (raw.get("notes") or "").strip()
    if notes:
        values["notes"] = notes[:2000]
    kind = (raw.get("customer_type") or "").strip().lower()
    if kind:
        values["customer_type"] = _TYPES.get(kind, CustomerType.RETAIL)
    gender = (raw.get("gender") or "").strip().lower()
    if gender in _GENDERS:
        values["gender"] = _GENDERS[gender]
    tags = parse_tags(raw.get("tags") or "")
    if tags:
        values["tags"] = tags
    return values, reasons


def _existing(shop: Shop) -> dict[str, dict]:
    """Stored values of every customer of the shop, by number."""
    rows = Customer.objects.filter(shop=shop).values("id", *STORED_FIELDS)
    return {row["phone"]: row for row in rows.iterator(chunk_size=5000)}


def plan_rows(shop: Shop, job: ImportJob):
    """Yield ``(outcome, values, stored, changed_fields)`` per row; `stored` is
    the matching customer's current values (with "id") or None."""
    existing = _existing(shop)
    erased = ErasedNumber.digests(shop.pk)
    seen: dict[str, int] = {}
    for number, raw in source_rows(job):
        values, reasons = clean_row(raw)
        label = values.get("name") or raw.get("name") or ""
        phone = values.get("phone")
        if phone and phone in seen:
            reasons.append(
                _("The same number is on row %(row)s.") % {"row": seen[phone]}
            )
        elif (
            phone
            and erased
            and phone not in existing
            and erased_number_digest(shop.pk, phone) in erased
        ):
            reasons.append(
                _(
                    "This person's data was erased at their request; if they come"
                    " back, add them by hand."
                )
            )
        if reasons:
            outcome = tabular.RowOutcome(number, tabular.REJECTED, label, reasons)
            yield outcome, values, None, []
            continue
        seen[phone] = number
        stored = existing.get(phone)
        if stored is None:
            yield tabular.RowOutcome(number, tabular.CREATED, label), values, None, []
            continue
        changed = [k for k, v in values.items() if stored.get(k) != v]
        action = tabular.UPDATED if changed else tabular.UNCHANGED
        outcome = tabular.RowOutcome(number, action, label)
        yield outcome, values, stored, changed


def preview_import(shop: Shop, job: ImportJob, keep: int = 200) -> tabular.ImportResult:
    """What the import would do, row by row, without writing anything."""
    result = tabular.ImportResult(keep=keep)
    for outcome, _values, _id, _changed in plan_rows(shop, job):
        result.add(outcome)
    ImportJob.objects.filter(pk=job.pk).update(
        total_rows=result.total,
        created_count=result.created,
        updated_count=result.updated,
        rejected_count=result.rejected,
    )
    job.total_rows = result.total
    return result


# ---- commit -----------------------------------------------------------------


def progress_path(job: ImportJob) -> Path:
    return imports_dir() / f"job-{job.pk}.progress"


def write_progress(job: ImportJob, processed: int) -> None:
    # Written outside the import's transaction (which nobody else can see until
    # it commits) and renamed into place so a reader never sees half a file.
    path = progress_path(job)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"processed": processed}))
    os.replace(tmp, path)


def read_progress(job: ImportJob) -> int:
    try:
        return int(json.loads(progress_path(job).read_text())["processed"])
    except (OSError, ValueError, KeyError):
        return 0


def commit_import(shop: Shop, by: User | None, job: ImportJob) -> tabular.ImportResult:
    """Write every created and updated row in one transaction; audit the counts.

    Reading, checking and normalising the file (most of the time) happens
    before the transaction: the rows to write go to a temporary spool file, so
    the write lock, which a clerk's sale waits behind, covers only the writes.
    If the shop's customers changed meanwhile, the plan is made again under the
    lock so nothing is written from stale values (all-or-nothing either way).
    """
    assert job.shop_id == shop.pk
    result = tabular.ImportResult(keep=50)
    try:
        with tempfile.TemporaryFile(dir=imports_dir()) as spool:
            before = _customers_version(shop)
            result = _plan_to_spool(shop, job, spool)
            locked_at = time.perf_counter()
            with transaction.atomic(), _bulk_write_settings():
                take_import_turn(shop)
                if _customers_version(shop) != before:
                    spool.seek(0)
                    spool.truncate()
                    result = _plan_to_spool(shop, job, spool)
                _write_spool(shop, job, spool, result.total)
                audit.record(
                    shop,
                    by,
                    "customer.imported",
                    job,
                    detail=(
                        f"{job.file_kind}: {result.created} created, "
                        f"{result.updated} updated, {result.rejected} rejected"
                    ),
                )
    except tabular.TabularError as exc:
        _finish(job, Status.FAILED, result, error=exc.message)
        raise
    locked = time.perf_counter() - locked_at
    log.info(
        "import job %s wrote %s rows holding the write lock %.1f s",
        job.pk,
        result.total,
        locked,
        extra={"lock_seconds": locked},
    )
    _finish(job, Status.DONE, result)
    return result


def take_import_turn(shop: Shop) -> None:
    """Customer-file imports and erasures of one shop take turns, until the
    transaction ends.

    An import checks its plan against the customers as they are once inside its
    transaction; on PostgreSQL an erasure committing after that check would have
    its row overwritten with the name and number from the file. Both lock the
    shop's row first, NO KEY UPDATE: sales and other writes that merely point at
    the shop (KEY SHARE) go on. On SQLite writers take turns anyway.
    """
    Shop.objects.select_for_update(no_key=True).filter(pk=shop.pk).exists()


def _customers_version(shop: Shop) -> tuple:
    """Changes when any customer of the shop is added, deleted or edited.

    Every write to the fields an import reads goes through ``save()``, which
    moves ``updated_at``; adding moves the largest id, deleting the count.
    """
    return tuple(
        Customer.objects.filter(shop=shop)
        .aggregate(n=Count("id"), last_id=Max("id"), last_edit=Max("updated_at"))
        .values()
    )


def _plan_to_spool(shop: Shop, job: ImportJob, spool) -> tabular.ImportResult:
    """Plan every row and pickle the writes, a batch at a time, into `spool`.

    The bar's first half: each row counts half once planned, half once written.
    """
    result = tabular.ImportResult(keep=50)
    rows = _RowMaker(shop)
    creates: list[tuple] = []
    updates: list[tuple] = []
    in_batch = 0
    for outcome, values, stored, _changed in plan_rows(shop, job):
        result.add(outcome)
        in_batch += 1
        if outcome.action == tabular.CREATED:
            creates.append(rows.insert_row(values))
        elif outcome.action == tabular.UPDATED:
            updates.append(rows.update_row(stored, values))
        if in_batch == PROGRESS_EVERY:
            pickle.dump((in_batch, creates, updates), spool, pickle.HIGHEST_PROTOCOL)
            creates, updates, in_batch = [], [], 0
            write_progress(job, result.total // 2)
    pickle.dump((in_batch, creates, updates), spool, pickle.HIGHEST_PROTOCOL)
    write_progress(job, result.total // 2)
    return result


def _write_spool(shop: Shop, job: ImportJob, spool, total: int) -> None:
    """Insert and update the spooled rows (inside the import's transaction)."""
    rows = _RowMaker(shop)
    spool.seek(0)
    written = 0
    with connection.cursor() as cursor, search_index.bulk_insert(connection):
        while True:
            try:
                in_batch, creates, updates = pickle.load(spool)  # noqa: S301 (ours)
            except EOFError:
                break
            rows.write(cursor, creates, updates)
            written += in_batch
            write_progress(job, (total + written) // 2)


@contextmanager
def _bulk_write_settings():
    """A larger page cache for SQLite while one transaction writes 100,000 rows.

    With the default 2 MB cache SQLite spills pages of the growing indexes to
    the WAL in the middle of the transaction and reads them back.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class _RowMaker:
    """Rows for plain multi-row INSERT and executemany UPDATE statements.

    `bulk_create` spent about 85% of an import building model instances and
    preparing each value through the field API; the import's values are
    already clean str/int/None, so the rows are written directly. One INSERT
    carries INSERT_ROWS rows: on PostgreSQL a statement per row cost a network
    round trip each (most of a 48 s commit).
    """

    def __init__(self, shop: Shop):
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.defaults.update(
            shop_id=shop.pk, created_at=now, updated_at=now, search_text=""
        )
        self.columns = [f.attname for f in fields]
        self.table = ops.quote_name(Customer._meta.db_table)
        self.names = ", ".join(ops.quote_name(c) for c in self.columns)
        self.update_columns = [*STORED_FIELDS, "search_text", "updated_at"]
        sets = ", ".join(f"{ops.quote_name(c)} = %s" for c in self.update_columns)
        self.update_sql = f"UPDATE {self.table} SET {sets} WHERE id = %s"  # noqa: S608

    def insert_row(self, values: dict) -> tuple:
        row = {**self.defaults, **values}
        row["search_text"] = search_text_for(row["name"], row["phone"])
        return tuple(row[c] for c in self.columns)

    def update_row(self, stored: dict, values: dict) -> tuple:
        # The stored values merged with the file's: a blank cell in the file
        # never blanks what the shop already knows.
        row = {k: stored[k] for k in STORED_FIELDS}
        row.update(values)
        row["search_text"] = search_text_for(row["name"], row["phone"])
        row["updated_at"] = self.defaults["updated_at"]
        return (*(row[c] for c in self.update_columns), stored["id"])

    def insert_sql(self, count: int) -> str:
        one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        values = ", ".join([one] * count)
        return f"INSERT INTO {self.table} ({self.names}) VALUES {values}"  # noqa: S608

    def write(self, cursor, creates: list[tuple], updates: list[tuple]) -> None:
        for start in range(0, len(creates), INSERT_ROWS):
            chunk = creates[start : start + INSERT_ROWS]
            cursor.execute(
                self.insert_sql(len(chunk)), [v for row in chunk for v in row]
            )
        if updates:
            cursor.executemany(self.update_sql, updates)


def _finish(job: ImportJob, status: str, result, error: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        created_count=result.created,
        updated_count=result.updated,
        rejected_count=result.rejected,
        error=error[:255],
        finished_at=timezone.now(),
    )
    Path(job.file_path).unlink(missing_ok=True)


def start_commit(shop: Shop, by: User | None, job: ImportJob) -> None:
    """Queue the commit as a background job so the browser can poll the progress
    bar (`setia serve` runs the job consumer; tests run jobs inline)."""
    from setia.customers.tasks import commit_import_task

    updated = ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEW).update(
        status=Status.RUNNING
    )
    if not updated:
        return  # a second click on "confirm"
    write_progress(job, 0)
    commit_import_task(shop.pk, by.pk if by else None, job.pk)


def run_commit(shop_id: int, user_id: int | None, job_id: int) -> None:
    """The background job: commit, and mark the job failed if anything breaks."""
    shop = Shop.objects.get(pk=shop_id)
    by = User.objects.filter(pk=user_id).first() if user_id else None
    job = ImportJob.objects.get(pk=job_id)
    try:
        commit_import(shop, by, job)
    except tabular.TabularError:
        log.warning("import job %s refused its file", job_id)
    except Exception as exc:
        # Only the job and the kind of error: the message and traceback of a
        # database error can quote row data (names, phone numbers). Not re-raised,
        # so the job runner does not log them either; the job shows as failed.
        log.error("import job %s failed: %s", job_id, type(exc).__name__)
        _finish(job, Status.FAILED, tabular.ImportResult(), error="error")
