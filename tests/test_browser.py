"""Browser check: JupyterLab renders notebook 01, and the course site's home page renders.

Uses Debian's chromium + chromium-driver (installed by .ci/run) driven by Selenium, headless,
on loopback only.
"""

import importlib.util
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chrome')}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={ROOT}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _wait_for(driver, condition, timeout=90):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_jupyterlab_renders_notebook_01(browser, lab_url):
    from selenium.webdriver.common.by import By

    browser.get(f"{lab_url}/lab/tree/notebooks/01_vae_principle.ipynb")
    heading = _wait_for(
        browser,
        lambda d: next(
            (h for h in d.find_elements(By.CSS_SELECTOR, ".jp-RenderedMarkdown h1") if "The VAE principle" in h.text),
            None,
        ),
    )
    assert heading.is_displayed()
    assert _wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".jp-Dialog"), "an error dialog is open"


def test_site_home_page_renders(browser, tmp_path):
    from selenium.webdriver.common.by import By

    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    build_site = importlib.util.module_from_spec(spec)
    sys.modules["build_site"] = build_site
    spec.loader.exec_module(build_site)
    build_site.build(tmp_path, sorted((ROOT / "notebooks").glob("01_*.ipynb")))
    browser.get((tmp_path / "index.html").as_uri())
    heading = _wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "h1"))
    assert "interview course" in heading.text
    assert browser.find_element(By.ID, "course-map").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='01_vae_principle.html']")
