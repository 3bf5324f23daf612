"""Production's ``collectstatic`` survives viewflow's dangling font references, and only those."""

import pytest

from config.static_storage import DANGLING_FONT_REFERENCES, StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    return StaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_missing_font_in_viewflows_roboto_folder_keeps_its_url(storage):
    name = DANGLING_FONT_REFERENCES + "roboto/Roboto-Thin.woff2"
    assert storage.hashed_name(name) == name


def test_a_missing_file_anywhere_else_still_stops_collectstatic(storage):
    with pytest.raises(ValueError, match="could not be found"):
        storage.hashed_name("unionflow/app.css")


def test_a_present_file_in_that_folder_is_hashed(storage, tmp_path):
    name = DANGLING_FONT_REFERENCES + "roboto/roboto-fontface.css"
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_text("body {}")
    assert storage.hashed_name(name) != name
