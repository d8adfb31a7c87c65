import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation

from core.formatting import datetime_range, euro, time_range

BERLIN = ZoneInfo("Europe/Berlin")


def test_euro_formats_whole_amount_with_cents_and_non_breaking_space():
    assert euro(Decimal("250")) == "250,00\u00a0€"


def test_euro_uses_dot_as_thousands_separator_and_comma_for_cents():
    assert euro(Decimal("1250.5")) == "1.250,50\u00a0€"


def test_euro_formats_zero():
    assert euro(Decimal("0")) == "0,00\u00a0€"


def test_euro_accepts_floats_and_ints():
    assert euro(1250.5) == "1.250,50\u00a0€"
    assert euro(300) == "300,00\u00a0€"


def test_euro_formats_millions():
    assert euro(Decimal("1234567.891")) == "1.234.567,89\u00a0€"


def test_euro_formats_negative_amounts_for_refunds():
    assert euro(Decimal("-50")) == "-50,00\u00a0€"


def test_euro_stays_german_when_english_is_active():
    with translation.override("en"):
        assert euro(Decimal("1250.5")) == "1.250,50\u00a0€"


def test_euro_of_nothing_is_empty():
    assert euro(None) == ""
    assert euro("") == ""
    assert euro("keine Zahl") == ""


def test_datetime_range_over_two_days_names_both_dates():
    start = dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN)
    end = dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN)
    assert datetime_range(start, end) == "25.09.2025 10:00 – 26.09.2025 14:00"


def test_datetime_range_within_one_day_names_the_date_once():
    start = dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN)
    assert datetime_range(start, start + dt.timedelta(hours=2)) == "25.09.2025 10:00 – 12:00"


def test_datetime_range_shows_utc_values_in_berlin_time():
    start = dt.datetime(2025, 9, 25, 8, 0, tzinfo=dt.UTC)
    end = dt.datetime(2025, 9, 26, 12, 0, tzinfo=dt.UTC)
    assert datetime_range(start, end) == "25.09.2025 10:00 – 26.09.2025 14:00"


def test_time_range_of_programme_item():
    start = dt.datetime(2022, 3, 28, 13, 0, tzinfo=BERLIN)
    assert time_range(start, start + dt.timedelta(minutes=90)) == "13:00 – 14:30"


def test_time_range_without_end_shows_start_only():
    assert time_range(dt.datetime(2022, 3, 28, 19, 0, tzinfo=BERLIN), None) == "19:00"
