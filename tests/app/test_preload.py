"""The code fetched while a reader reads the first page: what the public pages draw, never the grid or Vega."""

from app_pages import preload


def test_every_element_named_is_found_in_the_installed_streamlit():
    """A chunk renamed by a Streamlit upgrade would be skipped silently: the page switch would wait for it again."""
    found = {name.split(".")[0] for name in preload.chunks()}
    assert found == set(preload.ELEMENTS)


def test_the_grid_arrow_and_vega_are_left_to_the_pages_that_draw_them():
    """Compiling their megabytes in the background took the two cores from the reader's next click."""
    found = {name.split(".")[0] for name in preload.chunks()}
    assert not found & {"DataFrame", "Table", "ArrowVegaLiteChart"}
    assert {"Selectbox", "Multiselect", "BidiComponent"} <= found  # the filters and the lists


def test_the_script_names_files_only():
    script = preload.SCRIPT.replace("FILES", "[]")
    assert script.count("<script>") == 1 and all(preload.SAFE_NAME.match(name) for name in preload.chunks())
