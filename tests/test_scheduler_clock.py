"""When slots fall: the district's zone, not the machine's; DST; the schedule library's words."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import schedule

from scheduler.clock import Slot, Timetable

CHICAGO = ZoneInfo("America/Chicago")
UTC = dt.UTC


def at(text: str, zone: ZoneInfo = CHICAGO) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize("slot, moment, expected", [
    # every day at 06:00: later today, or tomorrow once it has passed (the same minute too)
    (Slot(dt.time(6), CHICAGO), "2026-11-23 05:59", "2026-11-23 06:00"),
    (Slot(dt.time(6), CHICAGO), "2026-11-23 06:00", "2026-11-24 06:00"),
    # Mondays at 07:00, from a Monday after 07:00 and from a Sunday
    (Slot(dt.time(7), CHICAGO, 0), "2026-11-23 07:01", "2026-11-30 07:00"),
    (Slot(dt.time(7), CHICAGO, 0), "2026-11-22 23:00", "2026-11-23 07:00"),
    # DST begins 2027-03-14: 02:30 does not exist and falls at 03:30 CDT
    (Slot(dt.time(2, 30), CHICAGO), "2027-03-14 00:00", "2027-03-14 03:30"),
    # DST ends 2026-11-01: 01:30 happens twice; the first one (CDT) counts
    (Slot(dt.time(1, 30), CHICAGO), "2026-11-01 00:00", "2026-11-01 01:30"),
    # across the change, 06:00 stays 06:00 local
    (Slot(dt.time(6), CHICAGO), "2026-10-31 12:00", "2026-11-01 06:00"),
])
def test_next_slot_in_the_district_zone(slot, moment, expected):
    got = slot.next_after(at(moment)).astimezone(CHICAGO)
    assert got.strftime("%Y-%m-%d %H:%M") == expected
    assert got.utcoffset() == at(expected).utcoffset()


def test_a_repeated_time_counts_once_and_in_daylight_time():
    first = Slot(dt.time(1, 30), CHICAGO).next_after(at("2026-11-01 00:00"))
    assert first == dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CDT
    assert Slot(dt.time(1, 30), CHICAGO).next_after(first).date() == dt.date(2026, 11, 2)


@pytest.mark.parametrize("slot, moment, expected", [
    (Slot(dt.time(6), CHICAGO), "2026-11-23 06:00", "2026-11-23 06:00"),
    (Slot(dt.time(6), CHICAGO), "2026-11-23 05:59", "2026-11-22 06:00"),
    (Slot(dt.time(7), CHICAGO, 0), "2026-12-02 10:00", "2026-11-30 07:00"),
    (Slot(dt.time(7), CHICAGO, 0), "2026-11-30 06:59", "2026-11-23 07:00"),
])
def test_last_slot_at_or_before(slot, moment, expected):
    got = slot.last_at_or_before(at(moment)).astimezone(CHICAGO)
    assert got.strftime("%Y-%m-%d %H:%M") == expected


def test_the_machine_zone_does_not_matter():
    """07:00 in Chicago is 13:00 UTC in winter, whatever the server's zone is."""
    slot = Slot(dt.time(7), CHICAGO, 0)
    assert slot.next_after(dt.datetime(2026, 11, 22, tzinfo=UTC)) == \
        dt.datetime(2026, 11, 23, 13, tzinfo=UTC)
    tokyo = dt.datetime(2026, 11, 22, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert slot.next_after(tokyo) == dt.datetime(2026, 11, 23, 13, tzinfo=UTC)


def test_timetable_runs_pending_jobs_by_the_injected_clock():
    now = [at("2026-11-23 05:00")]
    ran = []
    table = Timetable(lambda: now[0], CHICAGO)
    table.every().day.at("06:00").do(ran.append, "refresh")
    table.every().monday.at("07:00").do(ran.append, "weekly")
    table.run_pending()
    assert ran == []
    assert table.seconds_to_next() == 3600
    now[0] = at("2026-11-23 07:30")
    table.run_pending()
    assert ran == ["refresh", "weekly"]
    assert sorted(j.next_at for j in table.slot_jobs()) == [
        at("2026-11-24 06:00"), at("2026-11-30 07:00")]


def test_schedule_still_checks_the_words():
    table = Timetable(lambda: at("2026-11-23 05:00"), CHICAGO)
    with pytest.raises(schedule.ScheduleValueError):
        table.every().day.at("7am")
