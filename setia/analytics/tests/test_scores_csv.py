import numpy as np

from setia.analytics.scores_csv import (
    format_categories,
    format_dates,
    format_fixed,
    format_int,
    format_text,
    write_csv_columns,
)


def _strings(m, n):
    return [bytes(row).replace(b"\x00", b"").decode() for row in m]


def test_format_int_matches_python_for_random_values():
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.integers(-(10**12), 10**12, 2000), [0, 9999, 10000, -1]])
    m, n = format_int(v)
    assert _strings(m, n) == [str(x) for x in v.tolist()]
    assert n.tolist() == [len(str(x)) for x in v.tolist()]


def test_format_fixed_matches_python_for_random_values():
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.normal(0, 1000, 2000), [0.0, -0.004, 0.5, 123.4567891]])
    for decimals in (2, 4, 6):
        m, n = format_fixed(v, decimals)
        expected = [f"{x:.{decimals}f}" for x in np.round(v, decimals)]
        expected = [
            "0." + "0" * decimals if e == "-0." + "0" * decimals else e
            for e in expected
        ]
        assert _strings(m, n) == expected


def test_write_csv_columns_round_trip(tmp_path):
    path = tmp_path / "out.csv"
    write_csv_columns(
        path,
        ["id", "n", "x", "day", "tier"],
        [
            format_text(np.array(["a", "b,c", 'd"e'])),
            format_int(np.array([1, -22, 333])),
            format_fixed(np.array([0.5, np.nan, -1.25]), 2),
            format_dates(
                np.array(
                    ["2025-01-01", "2024-02-29", "2025-12-31"], dtype="datetime64[D]"
                )
            ),
            format_categories(np.array([2, 0, 1]), ["Gold", "Iron", "Lead"]),
        ],
        chunk_rows=2,
    )
    assert path.read_text().splitlines() == [
        "id,n,x,day,tier",
        "a,1,0.50,2025-01-01,Lead",
        '"b,c",-22,,2024-02-29,Gold',
        '"d""e",333,-1.25,2025-12-31,Iron',
    ]
