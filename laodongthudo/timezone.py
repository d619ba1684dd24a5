"""The time zone of the site's dates, of day boundaries and of times read back from the database."""

from zoneinfo import ZoneInfo

# Vietnam has kept +07:00 without daylight saving since 1975.
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
