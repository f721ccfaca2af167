"""How NHS England names, places and times its AmbSYS releases (facts, no I/O).

Sources: the Ambulance Quality Indicators page lists each month's release as `AmbSYS-to-<Mon>-<YYYY>-<code>.csv`
(the complete series to that month; the code is NHS England's own, different for every upload), stored under
`https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/<year>/<month>/` for the month it was uploaded,
usually the month after the data's last month (the March 2026 release is under 2026/04, the April 2026 release under
2026/05). NHS England publishes AmbSYS monthly, usually on the second Thursday of the month (its statistics release
calendar; FACTS.md, third round), revising recent months.
"""

from __future__ import annotations

LANDING_PAGE = "https://www.england.nhs.uk/statistics/statistical-work-areas/ambulance-quality-indicators/"

# A release's file name: the data's last month (three-letter English month, four-digit year) and NHS England's code.
AMBSYS_NAME = r"AmbSYS-to-(?P<month>[A-Z][a-z]{2})-(?P<year>\d{4})-(?P<code>[A-Za-z0-9]+)\.csv"
# Where NHS England uploads a release: the folder of the month it was uploaded (the month after its data's last).
UPLOAD_ADDRESS = "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/{year:04d}/{month:02d}/{name}"
UPLOAD_MONTHS_AFTER_DATA = 1

# The usual release day: the second Thursday of the month (Monday is 0).
RELEASE_WEEKDAY = 3
RELEASE_WEEK = 2
RELEASE_DAY_WORDS = "its usual day, the second Thursday of the month"
# A release holds data to the month before the month it is published in (April 2026's data came out in May 2026).
DATA_MONTHS_BEFORE_RELEASE = 1
