"""`rows_where`: one school's rows from one grouping of a shared table, the same rows and order
as a scan would give."""
import numpy as np
import pandas as pd

from reports.grouped import rows_where


def scan(frame, column, value):
    return frame[frame[column] == value]


def test_the_same_rows_in_the_same_order_as_a_scan():
    frame = pd.DataFrame({"school": ["B", "A", None, "B", np.nan, "A"], "n": range(6)})
    for value in ("A", "B", "C"):
        pd.testing.assert_frame_equal(rows_where(frame, "school", value),
                                      scan(frame, "school", value))
    assert rows_where(frame, "school", "C").columns.tolist() == ["school", "n"]


def test_a_new_table_is_grouped_anew():
    first = pd.DataFrame({"school": ["A"], "n": [1]})
    assert rows_where(first, "school", "A")["n"].tolist() == [1]
    second = pd.DataFrame({"school": ["A", "A"], "n": [2, 3]})
    assert rows_where(second, "school", "A")["n"].tolist() == [2, 3]
    assert rows_where(second, "n", 3)["school"].tolist() == ["A"]  # another column, own groups
