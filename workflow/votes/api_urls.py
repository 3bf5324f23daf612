"""API routes of this engine part, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("votes/", api.VoteListView.as_view(), name="vote-list"),
    path("votes/<int:pk>/", api.VoteDetailView.as_view(), name="vote-detail"),
    path("votes/<int:pk>/ballot/", api.VoteBallotView.as_view(), name="vote-ballot"),
    path("votes/<int:pk>/tally/", api.VoteTallyView.as_view(), name="vote-tally"),
    path("votes/<int:pk>/close/", api.VoteCloseView.as_view(), name="vote-close"),
]
