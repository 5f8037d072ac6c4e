"""No traceback reaches a user (issue 14, finding 6): the shipped Streamlit config hides
error details (pages catch what they can with friendly_errors: tests/test_app.py), and a
CLI error is one line unless --debug. Each test fails if its setting is reverted."""

import subprocess
import sys
import tomllib

from tests.conftest import ROOT


def test_the_shipped_config_shows_no_error_details():
    """Streamlit's default, "full", sends the traceback of any error a page does not
    catch to the browser."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_a_streamlit_server_started_in_the_app_folder_reads_it():
    probe = ("from streamlit import config; config.get_config_options(force_reparse=True); "
             "print(config.get_option('client.showErrorDetails'))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "none"


def test_a_cli_error_is_one_line_and_debug_shows_the_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    command = [sys.executable, "-m", "analytics", "sample", str(blocker / "sub"),
               "--customers", "20"]
    plain = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert plain.returncode == 1
    (line,) = plain.stderr.splitlines()
    assert line.startswith("error: ") and line.endswith("(run with --debug for the details)")
    debug = subprocess.run([*command, "--debug"], cwd=ROOT, capture_output=True, text=True,
                           check=False)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
