"""An event as an iCalendar file (RFC 5545), made by the icalendar package."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from tacenter.group_ta.models import Event


def event_calendar(event: Event, *, tz: str, domain: str, now: datetime) -> bytes:
    """One VEVENT: timed in the center's zone when the event has a start time, all-day otherwise."""
    calendar = Calendar()
    calendar.add("prodid", "-//tacenter//group TA events//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@{domain}")
    entry.add("dtstamp", now)
    entry.add("summary", event.title)
    if event.start_time is not None:
        start = datetime.combine(event.event_date, event.start_time, ZoneInfo(tz))
        entry.add("dtstart", start)
        entry.add("dtend", start + timedelta(hours=float(event.duration_hours)))
    else:
        entry.add("dtstart", event.event_date)
        entry.add("dtend", event.event_date + timedelta(days=1))
    if event.description:
        entry.add("description", event.description)
    entry.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    entry.add("sequence", event.version)
    calendar.add_component(entry)
    return calendar.to_ical()
