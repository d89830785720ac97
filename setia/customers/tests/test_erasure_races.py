"""An erasure and a customer import at the same moment (real threads).

The import checks its plan against the shop's customers once inside its
transaction, then writes. An erasure committing between the check and the
writes must not be overwritten by the file's name and number (PostgreSQL; on
SQLite writers take turns for the whole transaction anyway). Not timed: the
erasure is started while the import is held just before its writes.
"""

import threading

import pytest

from setia.customers import erasure, importing
from setia.customers.models import Customer, ImportJob, ImportStatus
from setia.customers.tests.threads import in_thread

pytestmark = pytest.mark.django_db(transaction=True)

NAME, PHONE = "Siti Rahmawati", "+6281298765432"


@pytest.fixture
def siti_and_upload(shop, owner, settings, tmp_path):
    """Made before `db_for_threads` copies an in-memory SQLite database."""
    settings.DATA_DIR = tmp_path
    siti = Customer.objects.create(shop=shop, name=NAME, phone=PHONE)
    # The file spells her name differently: the import plans to update her row.
    job = importing.store_upload(
        shop, owner, b"Nama,No WA\nSiti R.,0812-9876-5432\n", "daftar.csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    job.refresh_from_db()
    return siti, job


def test_an_erasure_during_an_import_is_not_overwritten_by_the_file(
    shop, owner, siti_and_upload, db_for_threads, monkeypatch
):
    siti, job = siti_and_upload

    at_writes, go_on = threading.Event(), threading.Event()
    write_spool = importing._write_spool

    def held_write_spool(*args):
        at_writes.set()
        go_on.wait(10)
        return write_spool(*args)

    monkeypatch.setattr(importing, "_write_spool", held_write_spool)
    importer, imported = in_thread(lambda: importing.commit_import(shop, owner, job))
    assert at_writes.wait(10)
    erased = threading.Event()
    eraser, _box = in_thread(
        lambda: erasure.erase_customer(
            shop, owner, siti, reason=erasure.ErasureReason.REQUEST
        ),
        done=erased,
    )
    # The erasure waits for the import's turn; give it the chance to cut in.
    erased.wait(1.5)
    go_on.set()
    importer.join(30)
    eraser.join(30)
    assert imported["outcome"][0] == "ok" and _box["outcome"][0] == "ok", (
        imported,
        _box,
    )

    reader, row = in_thread(lambda: Customer.objects.get(pk=siti.pk))
    reader.join(10)
    siti = row["outcome"][1]
    assert siti.erased_at is not None
    assert siti.name != "Siti R." and siti.name != NAME
    assert siti.phone != PHONE
