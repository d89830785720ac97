import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from setia.analytics.errors import (
    AmountFormatError,
    AnalyticsInputError,
    DateFormatError,
    EmptyInputError,
    MalformedCsvError,
    MissingColumnError,
)
from setia.analytics.io import read_purchases_csv


def _read(text: str, **kw):
    return read_purchases_csv(text.encode("utf-8"), **kw)


def _amounts(values: list[str], **kw) -> tuple[list[float], object]:
    body = "".join(f"c{i};2025-01-01;{v}\n" for i, v in enumerate(values))
    t = _read("customer_id;date;amount\n" + body, **kw)
    order = np.argsort([int(c[1:]) for c in t.customer_ids[t.customer_index]])
    return t.amount[order].tolist(), t.amount_reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-17", "2025-08-17"),
        ("17/08/2025", "2025-08-17"),
        ("17-08-2025", "2025-08-17"),
        ("7/8/2025", "2025-08-07"),
        ("2025/08/17", "2025-08-17"),
        ("2025-08-17 14:30:00", "2025-08-17"),
        ("2024-02-29", "2024-02-29"),
    ],
)
def test_date_formats(text, expected):
    t = _read(f"customer_id,date,amount\nA,{text},1\n")
    assert t.date[0] == np.datetime64(expected)


@pytest.mark.parametrize(
    ("values", "expected", "decimal_comma"),
    [
        (["29.33", "125000"], [29.33, 125000.0], False),  # plain numbers
        (["Rp 125.000", "Rp. 1.250.000"], [125000.0, 1250000.0], True),
        (["125.000,50", "2.000"], [125000.5, 2000.0], True),
        (["1.500", "25.000"], [1500.0, 25000.0], True),  # ambiguous -> thousands
        (["-5000", "+7"], [-5000.0, 7.0], False),
        (["1,250,000.50"], [1250000.5], False),
    ],
)
def test_amount_formats_and_inferred_reading(values, expected, decimal_comma):
    got, reading = _amounts(values)
    assert_allclose(got, expected)
    assert reading.decimal_comma is decimal_comma
    assert reading.inferred


def test_decimal_comma_option_overrides_inference():
    got, reading = _amounts(["1.500"], decimal_comma=False)
    assert_allclose(got, [1.5])
    assert not reading.inferred and not reading.decimal_comma


def test_plain_decimal_evidence_reads_1_500_as_one_and_a_half():
    got, reading = _amounts(["1.500", "29.33"])
    assert_allclose(got, [1.5, 29.33])
    assert not reading.decimal_comma
    assert "decimal mark" in reading.reason


def test_mixed_decimal_styles_are_an_error_naming_lines():
    with pytest.raises(AmountFormatError, match="mix") as err:
        _amounts(["29.33", "10.99", "1.250.000"])
    assert "4" in err.value.message_en  # third data row is line 4


def test_plain_numbers_read_exactly_like_python_float():
    values = ["29.33", "0.1", "19.99", "125000", "3.14159"]
    got, _ = _amounts(values)
    assert got == [float(v) for v in values]


def test_auto_recognises_indonesian_headers_and_semicolons():
    t = _read("Pelanggan;Tanggal;Jumlah\nBudi;17/08/2025;Rp 50.000\n")
    assert t.columns == ("Pelanggan", "Tanggal", "Jumlah")
    assert t.customer_ids.tolist() == ["Budi"]
    assert_allclose(t.amount, [50000.0])


def test_quoted_fields_use_the_csv_module_path():
    t = _read('customer_id,date,amount\n"Toko, Budi",2025-01-02,"125.000,50"\n')
    assert t.customer_ids.tolist() == ["Toko, Budi"]
    assert_allclose(t.amount, [125000.5])


def test_crlf_bom_blank_lines_and_spaces():
    raw = (
        b"\xef\xbb\xbfcustomer_id,date,amount\r\n"
        b" A , 2025-01-01 , 10 \r\n\r\nB,2025-01-02,5\r\n"
    )
    t = read_purchases_csv(raw)
    assert t.customer_ids.tolist() == ["A", "B"]
    assert_array_equal(t.date, np.array(["2025-01-01", "2025-01-02"], "datetime64[D]"))


def test_customer_ids_longer_than_eight_bytes_factorise():
    t = _read(
        "customer_id,date,amount\n"
        "customer-000000001,2025-01-01,1\ncustomer-000000002,2025-01-01,1\n"
        "customer-000000001,2025-01-03,1\n"
    )
    assert t.customer_ids.tolist() == ["customer-000000001", "customer-000000002"]
    assert_array_equal(t.customer_index, [0, 1, 0])


def test_explicit_column_names():
    t = _read(
        "kode,tgl_beli,nilai_rp\nA,2025-01-01,3\n",
        customer_column="kode",
        date_column="tgl_beli",
        amount_column="nilai_rp",
    )
    assert t.columns == ("kode", "tgl_beli", "nilai_rp")


def test_missing_named_column_says_which():
    with pytest.raises(MissingColumnError, match="'harga'") as err:
        _read("customer_id,date,amount\nA,2025-01-01,1\n", amount_column="harga")
    assert "tidak ada" in err.value.message_id


def test_missing_unnamed_column_says_which_role():
    with pytest.raises(MissingColumnError, match="No date column"):
        _read("customer_id,when,amount\nA,2025-01-01,1\n")


def test_bad_dates_give_first_line_numbers():
    body = "".join(
        f"A,{d},1\n"
        for d in ["2025-01-01", "2025-13-01", "kemarin", "2025-02-30", "2025-01-02"]
    )
    with pytest.raises(DateFormatError) as err:
        _read("customer_id,date,amount\n" + body)
    assert "lines 3, 4, 5" in err.value.message_en
    assert "baris 3, 4, 5" in err.value.message_id


def test_bad_amounts_give_line_numbers():
    with pytest.raises(AmountFormatError, match="lines 3"):
        _read("customer_id,date,amount\nA,2025-01-01,10\nA,2025-01-02,sepuluh\n")


def test_wrong_field_count_is_malformed():
    with pytest.raises(MalformedCsvError, match="lines 3"):
        _read("customer_id,date,amount\nA,2025-01-01,10\nA,2025-01-02\n")


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"customer_id,date,amount\n"])
def test_empty_files(raw):
    with pytest.raises(EmptyInputError):
        read_purchases_csv(raw)


def test_errors_are_bilingual_value_errors():
    err = AnalyticsInputError("english", "indonesia")
    assert isinstance(err, ValueError)
    assert str(err) == "english / indonesia"


def test_no_trailing_newline_and_several_blank_lines():
    t = read_purchases_csv(
        b"\ncustomer_id,date,amount\nA,2025-01-01,10\n\n\nB,2025-01-02,5"
    )
    assert t.customer_ids.tolist() == ["A", "B"]
    assert_allclose(t.amount, [10.0, 5.0])


# The pyarrow block reader (used by "auto" for big files) must agree with numpy.

_ENGINE_CASES = {
    "iso_whole_numbers": "customer_id,date,amount\nC2,2025-01-02,5\nC1,2025-01-01,10\n",
    "indonesian": (
        "pelanggan;tanggal;jumlah\nBudi;17/08/2025;Rp 1.500\nAni;1/9/2025;Rp 25.000\n"
    ),
    "decimals": "customer_id,date,amount\nA,2025-01-01,29.33\nB,2025-01-02,1.500\n",
    "long_ids_and_spaces": (
        "customer_id,date,amount\n customer-000000002 ,2025-01-01, 7 \n"
        "customer-000000001,2025-01-03,8\n"
    ),
    "times_and_tabs": "customer_id\tdate\tamount\nA\t2025-08-17 14:30:00\t-5000\n",
    "no_trailing_newline": "customer_id,date,amount\nA,2025-01-01,10",
}


@pytest.mark.parametrize("text", _ENGINE_CASES.values(), ids=_ENGINE_CASES.keys())
def test_pyarrow_and_numpy_readers_agree(text):
    fast = _read(text, engine="arrow")
    careful = _read(text, engine="numpy")
    assert fast.customer_ids.tolist() == careful.customer_ids.tolist()
    assert_array_equal(fast.customer_index, careful.customer_index)
    assert_array_equal(fast.date, careful.date)
    assert fast.amount.tolist() == careful.amount.tolist()
    assert fast.amount_reading == careful.amount_reading
    assert fast.columns == careful.columns


@pytest.mark.parametrize(
    ("bad_row", "error"),
    [
        ("B,2025-02-30,1", DateFormatError),
        ("B,kemarin,1", DateFormatError),
        ("B,2025-01-02,sepuluh", AmountFormatError),
        ("B,2025-01-02,Rp", AmountFormatError),
        ("B,2025-01-02", MalformedCsvError),
        (",2025-01-02,1", MalformedCsvError),
    ],
)
def test_both_readers_give_the_same_error_and_lines(bad_row, error):
    text = f"customer_id,date,amount\nA,2025-01-01,1\n{bad_row}\nC,2025-01-03,2\n"
    messages = []
    for engine in ("arrow", "numpy"):
        with pytest.raises(error) as err:
            _read(text, engine=engine)
        messages.append((err.value.message_en, err.value.message_id))
    assert messages[0] == messages[1]
    assert "3" in messages[0][0]


def test_block_reader_infers_the_decimal_mark_over_the_whole_column(
    tmp_path, monkeypatch
):
    import setia.analytics.io as reader

    monkeypatch.setattr(reader, "_ARROW_BLOCK", 64)  # many blocks of a few rows
    rows = [f"c{i:03d},2025-01-{1 + i % 28:02d},{1000 + i}" for i in range(60)]
    rows[5] = "c005,05/01/2025,1.500"  # thousands-like, early block
    rows[50] = "c050,2025-01-03,29.33"  # decimal evidence, late block
    path = tmp_path / "p.csv"
    path.write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
    fast = read_purchases_csv(path, engine="arrow")
    careful = read_purchases_csv(path, engine="numpy")
    assert fast.amount.tolist() == careful.amount.tolist()
    assert fast.amount[5] == 1.5 and fast.amount[50] == 29.33
    assert fast.amount_reading == careful.amount_reading
    assert_array_equal(fast.date, careful.date)
    assert_array_equal(fast.customer_index, careful.customer_index)


def test_unknown_engine_is_rejected():
    with pytest.raises(ValueError, match="engine"):
        _read("customer_id,date,amount\nA,2025-01-01,1\n", engine="polars")


@pytest.mark.parametrize(
    ("text_min_bytes", "expect_text_pass"), [(0, True), (1 << 30, False)]
)
def test_auto_reader_falls_back_for_rupiah_text_below_the_text_pass_size(
    tmp_path, monkeypatch, text_min_bytes, expect_text_pass
):
    # A mid-size file that pyarrow cannot type (rupiah text, Indonesian
    # dates) goes to the numpy reader unless it is big enough for the
    # block-wise text pass; either way the table and reading are the same.
    import setia.analytics.io as reader

    monkeypatch.setattr(reader, "_ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(reader, "_ARROW_TEXT_MIN_BYTES", text_min_bytes)
    passes = []
    real = reader._read_with_arrow

    def spy(*args, **kw):
        passes.append(kw["text_pass"])
        return real(*args, **kw)

    monkeypatch.setattr(reader, "_read_with_arrow", spy)
    rows = [f"C{i:03d};{1 + i % 28:02d}/08/2025;Rp {i + 1}.500" for i in range(40)]
    rows[7] = "C007;2025-08-03;125.000,50"
    path = tmp_path / "rp.csv"
    path.write_text("pelanggan;tanggal;jumlah\n" + "\n".join(rows) + "\n")
    auto = read_purchases_csv(path)
    careful = read_purchases_csv(path, engine="numpy")
    assert passes == [expect_text_pass]
    assert auto.amount.tolist() == careful.amount.tolist()
    assert auto.amount[7] == 125000.5 and auto.amount[0] == 1500.0
    assert auto.amount_reading == careful.amount_reading
    assert_array_equal(auto.date, careful.date)
    assert auto.customer_ids.tolist() == careful.customer_ids.tolist()
