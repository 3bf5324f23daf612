"""Web UI routes of this engine part, mounted at the site root."""

from django.urls import include, path

from . import views

app_patterns = (
    [
        path("", views.VoteListPage.as_view(), name="list"),
        path("<int:pk>/", views.VoteDetailPage.as_view(), name="detail"),
        path("<int:pk>/ballot/", views.VoteBallotPage.as_view(), name="ballot"),
        path("<int:pk>/tally/", views.VoteTallyPage.as_view(), name="tally"),
        path("<int:pk>/close/", views.VoteClosePage.as_view(), name="close"),
    ],
    "votes",
)

urlpatterns = [path("votes/", include(app_patterns))]
