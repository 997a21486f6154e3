// Drives code-server in headless Chromium through the Apex journey and screenshots
// each stage. Run by tests/vscode/test_e2e.py, which starts code-server and owns the
// processes. Prints one JSON line per stage: {"stage": ..., "ok": true, ...}.
// Env: APEX_E2E_URL, APEX_E2E_SHOTS (directory), APEX_E2E_PLAYWRIGHT (playwright-core dir).
// Hovering or clicking squiggles times out in headless Chromium, so the quick fix is
// reached from the keyboard (Go to Line, Ctrl+.).
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.APEX_E2E_PLAYWRIGHT);
const url = process.env.APEX_E2E_URL;
const shots = process.env.APEX_E2E_SHOTS;

const report = (stage, extra = {}) => console.log(JSON.stringify({ stage, ok: true, ...extra }));

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
page.setDefaultTimeout(60000);

async function shot(name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function palette(command) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${command}`);
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
  await page.keyboard.press("Enter");
}

async function openFile(name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(`.tab.active:has-text("${name}")`).waitFor();
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

async function gotoLine(spec) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${spec}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden" });
}

/** VS Code does not always expand the first scope; open Locals when it is closed. */
async function expandLocals() {
  const locals = page.locator('.monaco-list-row[aria-level="1"]', { hasText: /^\s*Locals\s*$/ }).first();
  await locals.waitFor();
  if ((await locals.getAttribute("aria-expanded")) === "false") await locals.click();
}

const editorText = () => page.locator(".editor-instance .monaco-editor .view-lines").first().innerText();

try {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.locator(".monaco-workbench").waitFor();
  // The status bar item appears once `apex lsp` sent apex/status.
  const status = page.locator(".statusbar-item", { hasText: "Apex: hybrid" });
  await openFile("crypto.py");
  await status.waitFor({ timeout: 90000 });
  report("server", { status: (await status.innerText()).trim() });

  // 1. Diagnostics in the Problems panel.
  await page.keyboard.press("Control+Shift+M");
  const problems = page.locator(".markers-panel");
  await problems.locator(".monaco-list-row", { hasText: "APX400" }).first().waitFor();
  const problemRows = await problems.locator(".monaco-list-row").allInnerTexts();
  await shot("1-problems");
  report("problems", { rows: problemRows.length, sample: problemRows.slice(0, 4) });

  // 2. Quick fix: MD5 → usedforsecurity=False, from the lightbulb menu (Ctrl+.).
  await page.locator(".editor-instance .monaco-editor").first().click({ position: { x: 400, y: 300 } });
  await gotoLine("8:14");
  await page.keyboard.press("Control+.");
  const fix = page.locator(".action-widget .monaco-list-row", { hasText: /usedforsecurity/i }).first();
  await fix.waitFor();
  await shot("2-quick-fix-menu");
  await fix.click();
  await page.waitForFunction(() => document.querySelector(".editor-instance .view-lines")?.textContent?.includes("usedforsecurity=False"));
  report("quickfix", { line: (await editorText()).split("\n").find((l) => l.includes("usedforsecurity")) });
  await shot("3-quick-fix-applied");

  // 3. Debug: breakpoint, stop, variables, (step back), continue to the end.
  await openFile("compute.py");
  await gotoLine("4");
  await page.keyboard.press("F9");
  await page.locator(".monaco-editor .codicon-debug-breakpoint").first().waitFor();
  await page.keyboard.press("F5");
  const variable = (text) => page.locator(".monaco-list-row", { hasText: new RegExp(`^\\s*value\\s*=\\s*${text}\\s*$`) }).first();
  await page.getByText("Paused on breakpoint").waitFor({ timeout: 90000 });
  await expandLocals();
  await variable("10").waitFor();
  await shot("4-breakpoint");
  report("breakpoint", { variable: (await variable("10").textContent()).replace(/\s+/g, "") });
  // Step Back (the adapter advertises supportsStepBack for recorded sessions): the
  // Variables view shows the value before `value * 10` ran.
  await page.locator(".debug-toolbar .action-item .codicon-debug-step-back").click();
  await page.getByText(/of the recorded history/).waitFor();
  await expandLocals();
  await variable("1").waitFor();
  // The Apex Timeline view (apexTimeline, refreshed at every stop) lists the calls.
  await page.locator(".pane-header", { hasText: "Apex Timeline" }).click();
  const timelineRow = page.locator(".monaco-list-row", { hasText: "main()" }).first();
  await timelineRow.waitFor();
  const timelineText = (await timelineRow.textContent()).trim();
  await shot("5-step-back");
  report("stepback", { variable: (await variable("1").textContent()).replace(/\s+/g, ""),
                       where: (await page.getByText(/of the recorded history/).innerText()).trim(),
                       timeline: timelineText });
  // Continue: from the past, execution replays forward to the present, where the
  // breakpoint on line 4 stops it again (that is where the program really is); the
  // next Continue runs the live program to the end.
  let continues = 0;
  for (; continues < 4; continues++) {
    await page.locator(".debug-toolbar .action-item .codicon-debug-continue").click();
    const ended = await page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout: 20000 })
      .then(() => true, () => false);
    if (ended) break;
  }
  await page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout: 60000 });
  await page.keyboard.press("Control+Shift+Y");
  const consoleText = await page.locator(".repl").innerText().catch(() => "");
  await shot("6-ended");
  report("ended", { console: consoleText.slice(-400), continues: continues + 1 });

  // 4. Run File in Isolation: `apex run --mode isolation --report-json` in a terminal
  //    task, then the report opens as a JSON document.
  await page.locator(".tab", { hasText: "compute.py" }).first().click();
  await palette("Apex: Run File in Isolation");
  await page.waitForFunction(() => {
    const text = document.querySelector(".editor-instance .view-lines")?.textContent ?? "";
    return text.includes("exitStatus") && text.includes("isolation");
  }, undefined, { timeout: 90000 });
  const reportText = await editorText();
  await shot("7-isolation-report");
  report("isolation", { level: /"level":\s*"(\w+)"/.exec(reportText.replace(/\u00a0/g, " "))?.[1] ?? null,
                        exit: /"exitStatus":\s*(\d+)/.exec(reportText.replace(/\u00a0/g, " "))?.[1] ?? null });

  // 5. The status bar item runs Apex: Switch Mode; the server confirms with apex/status.
  await page.locator(".statusbar-item", { hasText: "Apex: hybrid" }).click();
  await page.locator(".quick-input-list .monaco-list-row", { hasText: /^\s*isolation/ }).first().click();
  const isolated = page.locator(".statusbar-item", { hasText: "Apex: isolation" });
  await isolated.waitFor();
  await shot("8-switched-mode");
  report("switchmode", { status: (await isolated.textContent()).trim() });
} catch (error) {
  await shot("failure").catch(() => undefined);
  console.log(JSON.stringify({ stage: "error", ok: false, message: String(error && error.stack || error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
