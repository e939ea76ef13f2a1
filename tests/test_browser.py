"""Browser check: JupyterLab renders notebook 01 and runs the latent explorer, and the course site renders.

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


def _start_lab(root: Path, *extra: str):
    """Start JupyterLab on loopback serving ``root``; yields its URL, stops it afterwards."""
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
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *extra,
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


EXPLORER_NOTEBOOK = """import vae_helpers as vh

vh.set_seed(0)
model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), latent_dim=2, hidden=(16,)), vh.build_mlp_decoder(2, (8, 8, 1)))
explorer = vh.latent_explorer(model, scale=8)
explorer"""


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    """One JupyterLab for both JupyterLab tests (a server start costs seconds): it serves a copy of lesson 01 and
    a one-cell notebook that builds the latent explorer on a tiny untrained VAE (lesson 01's explorer cell,
    without the lesson's training). The app is exposed so that the explorer test can run the cell."""
    import nbformat

    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "01_vae_principle.ipynb", root / "notebooks")
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(EXPLORER_NOTEBOOK)], metadata={"kernelspec": kernel}
    )
    nbformat.write(notebook, root / "explorer.ipynb")
    yield from _start_lab(root, "--LabApp.expose_app_in_browser=True")


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


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """The site of lesson 01, with a synthetic follow-up section (the lessons' own are written separately)."""
    from conftest import lesson_with_followups

    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    build_site = importlib.util.module_from_spec(spec)
    sys.modules["build_site"] = build_site
    spec.loader.exec_module(build_site)
    lessons = tmp_path_factory.mktemp("lessons")
    lesson = lesson_with_followups(ROOT / "notebooks" / "01_vae_principle.ipynb", lessons / "01_vae_principle.ipynb")
    out = tmp_path_factory.mktemp("site")
    build_site.build(out, [lesson], slides=False, deck=False)
    return out


def test_lesson_math_renders_with_the_network_off(browser, small_site):
    from selenium.webdriver.common.by import By

    browser.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        browser.get((small_site / "01_vae_principle.html").as_uri())
        _wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "math[display=block]"))
        stats = browser.execute_script(
            """
            var maths = Array.from(document.querySelectorAll('math'));
            var block = document.querySelector('math[display=block]');
            var box = block.getBoundingClientRect();
            return {n: maths.length, display: getComputedStyle(block).display, w: box.width, h: box.height,
                    raw: document.body.innerText.indexOf('$$'),
                    remote: performance.getEntriesByType('resource').filter(function (r) {
                      return /^https?:/.test(r.name); }).length};
            """
        )
    finally:
        browser.delete_network_conditions()
    assert stats["n"] > 50, stats
    assert "math" in stats["display"], f"Chromium does not lay the formula out as MathML: {stats}"
    assert stats["w"] > 100 and stats["h"] > 15, stats
    assert stats["raw"] == -1, "raw $$ TeX on the page"
    assert stats["remote"] == 0, "the page asked the network for something"


def test_flashcards_turn_over_on_click(browser, small_site):
    from selenium.webdriver.common.by import By

    browser.get((small_site / "flashcards.html").as_uri())
    card = _wait_for(browser, lambda d: d.find_element(By.ID, "card-01-main"))
    back = card.find_element(By.CSS_SELECTOR, ".back")
    assert card.find_element(By.CSS_SELECTOR, ".front").is_displayed() and not back.is_displayed()
    card.click()
    assert back.is_displayed() and card.get_attribute("aria-expanded") == "true"
    assert "latent-variable generative model" in back.text
    card.click()
    assert not back.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "button[data-show-kind='followup']").click()
    shown = [
        c.get_attribute("data-kind") for c in browser.find_elements(By.CSS_SELECTOR, ".flashcard") if c.is_displayed()
    ]
    assert shown == ["followup"] * 3


def test_mock_interview_draws_reveals_and_times(browser, small_site):
    from selenium.webdriver.common.by import By

    browser.get((small_site / "mock-interview.html").as_uri())
    find = browser.find_element
    _wait_for(browser, lambda d: d.find_element(By.ID, "draw")).click()
    assert find(By.ID, "stage").is_displayed()
    assert "题目 1" in find(By.ID, "question").text and "basic principle" in find(By.ID, "question").text
    assert not find(By.ID, "answer").is_displayed()
    _wait_for(browser, lambda d: d.find_element(By.ID, "timer").text not in ("", "00:00"), timeout=10)
    find(By.ID, "reveal-answer").click()
    assert find(By.ID, "answer").is_displayed() and "ELBO" in find(By.ID, "answer").text
    for _ in range(3):
        find(By.ID, "next-followup").click()
    followups = browser.find_elements(By.CSS_SELECTOR, "#followups .followup")
    assert len(followups) == 3 and not find(By.ID, "next-followup").is_enabled()
    assert "REINFORCE" in followups[0].text
    answer = followups[0].find_element(By.CSS_SELECTOR, ".followup-answer")
    assert not answer.is_displayed()
    followups[0].find_element(By.CSS_SELECTOR, ".show-answer").click()
    assert answer.is_displayed() and "variance" in answer.text
    # choosing no lesson draws nothing
    find(By.CSS_SELECTOR, "details summary").click()
    find(By.ID, "pick-none").click()
    find(By.ID, "draw").click()
    assert "Choose at least one lesson" in find(By.ID, "status").text


def test_latent_explorer_redraws_when_a_slider_moves_in_jupyterlab(browser, lab_url):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(f"{lab_url}/lab/tree/explorer.ipynb?reset")  # reset: lesson 01's tab (its stored explorer) stays closed
    _wait_for(browser, lambda d: d.execute_script("return !!(window.jupyterapp && jupyterapp.shell.currentWidget)"))
    _wait_for(
        browser,
        lambda d: d.execute_script(
            "var w = jupyterapp.shell.currentWidget; var k = w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel; return !!k && k.status === 'idle';"
        ),
    )
    browser.execute_script("jupyterapp.commands.execute('notebook:run-all-cells')")
    image = _wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".vae-latent-explorer img"), timeout=120)
    _wait_for(
        browser, lambda d: image.get_attribute("src") and d.execute_script("return arguments[0].naturalWidth", image)
    )
    assert browser.execute_script("return arguments[0].naturalWidth", image) == 64  # 8x8 pixels, scale 8
    before = image.get_attribute("src")
    readouts = browser.find_elements(By.CSS_SELECTOR, ".vae-latent-explorer .widget-readout")
    assert [r.text for r in readouts][:2] == ["+0.00", "+0.00"]
    handle = browser.find_elements(By.CSS_SELECTOR, ".vae-latent-explorer .noUi-handle")[0]
    ActionChains(browser).drag_and_drop_by_offset(handle, 80, 0).perform()
    _wait_for(browser, lambda d: image.get_attribute("src") != before, timeout=30)
    assert readouts[0].text != "+0.00" and readouts[1].text == "+0.00"
    assert "z[0] = +" in browser.find_element(By.CSS_SELECTOR, ".vae-latent-explorer code").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".jp-Dialog"), "an error dialog is open"
