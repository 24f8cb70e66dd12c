"""Start JupyterLab the way ``python3 course.py lab`` does and drive it with headless Chromium.

Used by tests/test_jupyterlab.py. The server runs with its own temporary Jupyter config and
runtime folders (so neither a student's settings nor this test's leak either way); its user
settings turn autosave off, so running a notebook never writes it back to disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import course  # course.py at the repository root

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Written into the server's temporary user-settings folder. Autosave off: running a notebook
# must not save it. Windowing off: every cell stays in the page, so the counts below see them all.
USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# The notebook in view: JupyterLab keeps other open tabs in the page, hidden.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IMAGE_OUTPUT = f"{PANEL} .jp-RenderedImage img"
TOAST = ".Toastify__toast"
DIALOG = ".jp-Dialog"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_command(root: Path, port: int, token: str) -> list[str]:
    """The command ``course.py lab`` runs (its very options), with a fixed port and token and
    no browser."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        *course.lab_options(root),
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
    ]


@dataclass
class LabServer:
    root: Path
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def page_url(self, relative: str) -> str:
        # reset: a fresh workspace, not the tabs that an earlier page of this server left open.
        return f"{self.url}/lab/tree/{relative}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET") -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def kernels(self) -> list[dict]:
        status, body = self.api("/api/kernels")
        return json.loads(body) if status == 200 else []

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@contextlib.contextmanager
def lab_server(root: Path, startup_timeout: float = 120.0) -> Iterator[LabServer]:
    """A running JupyterLab on ``root``; stopped, with its kernels, when the block ends."""
    scratch = Path(tempfile.mkdtemp(prefix="course-lab-"))
    config, runtime = scratch / "config", scratch / "runtime"
    for name, settings in USER_SETTINGS.items():
        path = config / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    runtime.mkdir()
    env = {
        **os.environ,
        "COURSE_QUICK": "1",
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(runtime),
    }
    course.quiet_lab(Path(sys.prefix))  # as course.py lab does before it starts the server
    course.lab_kernel_config(Path(sys.prefix))
    port, token = free_port(), secrets.token_hex(16)
    log = scratch / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            lab_command(root, port, token),
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kernels can be ended with it
        )
    server = LabServer(root, f"http://127.0.0.1:{port}", token, process, log)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited ({process.returncode}):\n{server.log_tail()}"
                )
            with contextlib.suppress(OSError):
                if server.api("/api/status")[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer in {startup_timeout:.0f} s")
            time.sleep(0.5)
        yield server
    finally:
        stop(server)


def stop(server: LabServer, timeout: float = 20.0) -> None:
    """Shut the server down (it shuts its kernels down); kill its process group if it hangs."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(OSError):
            server.api("/api/shutdown", method="POST")
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout)
    # Kernels left behind by a crashed server are still in its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def stored_image_count(notebook: Path) -> int:
    """How many image/png outputs the notebook file holds."""
    cells = json.loads(notebook.read_text())["cells"]
    return sum(
        "image/png" in output.get("data", {})
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


def wait_for_kernel_idle(page, timeout_ms: float) -> None:
    page.wait_for_selector(
        '.jp-Notebook-ExecutionIndicator[data-status="idle"]', state="attached", timeout=timeout_ms
    )


class StalledRun(RuntimeError):
    """Cells still marked running (``[*]``) on the page while the kernel has long been idle:
    the page missed the kernel's replies."""


PAGE_STATE = """(panel) => {
    const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt')];
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return {
        pending: prompts.filter(p => p.textContent.includes('*')).length,
        idle: Boolean(indicator) && indicator.dataset.status === 'idle',
        prompts: prompts.map(p => p.textContent.trim()),
    };
}"""


class RunAllIgnored(RuntimeError):
    """Run > Run All Cells was clicked and no cell started: the click did not reach the
    notebook (its menu item disabled, or the panel not yet the current widget)."""


RUN_ALL_ITEM = '.lm-Menu-item[data-command="runmenu:run-all"]'

PAGE_PICTURE = """(panel) => ({
    panels: [...document.querySelectorAll('.jp-NotebookPanel')].map(p => p.className),
    visible: document.querySelectorAll(panel).length,
    prompts: document.querySelectorAll(panel + ' .jp-InputPrompt').length,
    title: document.title,
    dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.slice(0, 200)),
})"""


def run_started(before: dict, now: dict) -> bool:
    """Whether the page shows that Run All has begun since ``before`` (both from
    ``PAGE_STATE``): a cell marked [*], or prompts that changed (a fast notebook may finish
    between two looks: its blank prompts then hold numbers). The server's kernel activity
    cannot tell: the page's own requests after the kernel went idle move it too, and a test that
    trusted it once read the page before Run All had reached it."""
    return bool(now["pending"]) or now["prompts"] != before["prompts"]


def bring_to_front(page, name: str, timeout_ms: float) -> None:
    """Make the notebook ``name`` the tab in view, by clicking its tab as a student would,
    when another tab (a Launcher opened while the page was loading) covers it."""
    if page.locator(PANEL).count():
        return
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name).first
    tab.click(timeout=timeout_ms)
    page.wait_for_selector(f"{PANEL} .jp-CodeCell", timeout=timeout_ms)


def click_run_all(page, notebook: str, start_ms: float) -> None:
    """Run > Run All Cells from the menu bar, and wait until the page shows that it has begun
    (``run_started``). Raises ``RunAllIgnored``, with what the page showed, when it does not
    within ``start_ms``; nothing has run then, so the caller may click again."""
    bring_to_front(page, Path(notebook).name, start_ms)
    # Select the first cell (its prompt: no editing, no toolbar button) so the notebook is the
    # current widget, which the Run menu's notebook commands need to be enabled.
    page.locator(f"{PANEL} .jp-Cell .jp-InputPrompt").first.click()
    before = page.evaluate(PAGE_STATE, PANEL)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = page.locator(RUN_ALL_ITEM).first
    item.wait_for(state="visible", timeout=start_ms)
    disabled = "lm-mod-disabled" in (item.get_attribute("class") or "")
    item.click()
    deadline = time.monotonic() + start_ms / 1000
    while time.monotonic() < deadline:
        if run_started(before, page.evaluate(PAGE_STATE, PANEL)):
            return
        time.sleep(0.1)
    picture = page.evaluate(PAGE_PICTURE, PANEL)
    page.keyboard.press("Escape")  # close the menu if it is still open
    raise RunAllIgnored(
        f"Run All Cells (menu item {'disabled' if disabled else 'enabled'} when clicked) "
        f"started no cell in {start_ms / 1000:.0f} s; the page: {picture}"
    )


def run_all_cells(
    page,
    server: LabServer,
    notebook: str,
    timeout_ms: float,
    stall_s: float = 30.0,
    start_ms: float = 30_000,
) -> None:
    """Run > Run All Cells of ``notebook`` (its path, as opened) from the menu bar, then wait
    until no cell is running or queued and the kernel is idle again. Raises ``RunAllIgnored``
    when the click reaches no kernel within ``start_ms``, ``StalledRun`` when cells stay marked
    running while the server has seen the kernel idle for ``stall_s`` seconds, ``TimeoutError``
    after ``timeout_ms``."""
    click_run_all(page, notebook, start_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    idle_since = None
    while True:
        state = page.evaluate(PAGE_STATE, PANEL)
        if not state["pending"] and state["idle"]:
            return
        kernels = server.kernels()
        kernel_idle = bool(kernels) and all(k.get("execution_state") == "idle" for k in kernels)
        if state["pending"] and kernel_idle:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > stall_s:
                raise StalledRun(
                    f"{state['pending']} cell(s) still marked [*] while the kernel has been idle "
                    f"for {stall_s:.0f} s (the page missed the kernel's replies)"
                )
        else:
            idle_since = None
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"Run All did not finish in {timeout_ms / 1000:.0f} s: {state['pending']} cell(s) "
                f"marked [*], kernel states {[k.get('execution_state') for k in kernels]}"
            )
        time.sleep(0.5)


def cell_states(page) -> list[dict]:
    """For every code cell on the page: its prompt, its source text and its error outputs."""
    return page.evaluate(
        """([panel, errorSelector]) => [...document.querySelectorAll(panel + ' .jp-CodeCell')].map(
            cell => ({
                prompt: (cell.querySelector('.jp-InputPrompt')?.textContent || '').trim(),
                source: cell.querySelector('.jp-InputArea-editor')?.textContent || '',
                errors: [...cell.querySelectorAll(errorSelector)].map(e => e.textContent),
            }))""",
        [PANEL, ERROR_OUTPUT],
    )


def git_status(repository: Path, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repository), "status", "--short", path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
