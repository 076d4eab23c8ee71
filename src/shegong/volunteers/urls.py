"""/volunteers/: the staff and team-leader pages of C6, gathered from the three areas."""

from shegong.volunteers import urls_activities, urls_hours, urls_people

app_name = "volunteers"
urlpatterns = (
    urls_people.staff_patterns + urls_activities.staff_patterns + urls_hours.staff_patterns
)
mobile_patterns = (
    urls_people.mobile_patterns + urls_activities.mobile_patterns + urls_hours.mobile_patterns
)
public_patterns = (
    urls_people.public_patterns + urls_activities.public_patterns + urls_hours.public_patterns
)
