"""Web UI routes of this engine part, mounted at the site root."""

from django.urls import include, path

from . import ui_views

app_patterns = (
    [
        path("", ui_views.RulesPage.as_view(), name="rules"),
        path("<int:year>/", ui_views.YearPage.as_view(), name="year"),
        path("import/", ui_views.ImportPage.as_view(), name="import"),
        path("overrides/", ui_views.OverridePage.as_view(), name="overrides"),
    ],
    "wf_calendar",
)

urlpatterns = [path("calendar/", include(app_patterns))]
