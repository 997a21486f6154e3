// Drives code-server in headless Chromium through the Apex journey. Run by
// tests/vscode/test_e2e.py, which writes the workspace, starts code-server and the
// program to attach to, and owns every process.
//
// Prints one JSON line per stage on stdout: {"stage": ..., "ok": true, "at": seconds, ...},
// or {"stage": "error", "message": ...}. Writes into APEX_E2E_OUT: driver.log (each step
// as it starts and ends), browser-console.log, shots/*.png (failure.png on failure).
// Env: APEX_E2E_URL, APEX_E2E_OUT, APEX_E2E_PLAYWRIGHT (playwright-core dir),
// APEX_E2E_WORKSPACE, APEX_E2E_LINES (JSON: the lines the journey points at),
// APEX_E2E_ATTACH ("1": run the attach stage).
// Hovering or clicking squiggles times out in headless Chromium, so the quick fix is
// reached from the keyboard (Go to Line, Ctrl+.).
import { appendFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { processesRunning, stageLog, Workbench } from "./ui.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.APEX_E2E_PLAYWRIGHT);
const out = process.env.APEX_E2E_OUT;
const workspace = process.env.APEX_E2E_WORKSPACE;
const lines = JSON.parse(process.env.APEX_E2E_LINES);
const shots = join(out, "shots");
mkdirSync(shots, { recursive: true });
const log = stageLog(join(out, "driver.log"));
const started = Date.now();
const report = (stage, extra = {}) => {
  log(`stage ${stage} done`);
  console.log(JSON.stringify({ stage, ok: true, at: Math.round((Date.now() - started) / 1000), ...extra }));
};

// Generous deadlines: the machine is shared and may be slow; nothing here sleeps, so a
// fast machine is not held up by them.
const SLOW = 180000;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  handleSIGTERM: false, // ours screenshots first (below)
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
page.setDefaultTimeout(120000);
const consoleLog = join(out, "browser-console.log");
page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`); });
page.on("pageerror", (e) => appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e}\n`));
const wb = new Workbench(page, { shots, log });

// The test stops a driver that overruns its deadline with SIGTERM: leave a picture.
process.on("SIGTERM", () => {
  log("SIGTERM: the test's deadline passed");
  wb.shot("failure").catch(() => undefined).finally(() => process.exit(3));
});

async function problemsAndQuickFix() {
  const status = page.locator(".statusbar-item", { hasText: "Apex: hybrid" });
  await wb.step("open crypto.py", () => wb.openFile("crypto.py"));
  // The status bar item appears once `apex lsp` sent apex/status.
  await wb.step("status bar shows the policy's mode", () => status.waitFor({ timeout: SLOW }));
  report("server", { status: (await status.innerText()).trim() });

  await page.keyboard.press("Control+Shift+M");
  const problems = page.locator(".markers-panel");
  await wb.step("Problems lists APX400", () => problems.locator(".monaco-list-row", { hasText: "APX400" }).first().waitFor({ timeout: SLOW }));
  const problemRows = await problems.locator(".monaco-list-row").allInnerTexts();
  await wb.shot("1-problems");
  report("problems", { rows: problemRows.length, sample: problemRows.slice(0, 4) });

  // MD5 → usedforsecurity=False, from the lightbulb menu (Ctrl+.).
  await page.locator(".editor-instance .monaco-editor").first().click({ position: { x: 400, y: 300 } });
  await wb.gotoLine(lines.md5);
  const fix = page.locator(".action-widget .monaco-list-row", { hasText: /usedforsecurity/i }).first();
  // Ctrl+. sometimes shows no menu at all in headless Chromium (the server answered the
  // code action request); ask again, each attempt logged, under one deadline.
  await wb.step("quick fix menu offers usedforsecurity", () => wb.retry("Ctrl+.", async (timeout) => {
    await page.keyboard.press("Control+.");
    await fix.waitFor({ timeout });
  }, async () => page.keyboard.press("Escape")));
  await wb.shot("2-quick-fix-menu");
  await fix.click();
  await wb.step("the fix is applied", () => page.waitForFunction(() =>
    document.querySelector(".editor-instance .view-lines")?.textContent?.includes("usedforsecurity=False")));
  report("quickfix", { line: (await wb.editorText()).split("\n").find((l) => l.includes("usedforsecurity")) });
  await wb.shot("3-quick-fix-applied");
}

/** A recorded launch: breakpoint, Step Back, Save Recording, back to the present, the end. */
async function timeTravel() {
  await wb.step("breakpoint in compute.py", () => wb.toggleBreakpoint("compute.py", lines.compute));
  await wb.step("start Apex: compute.py", () => wb.startDebugging("Apex: compute.py"));
  await wb.step("paused on the breakpoint", () => wb.pausedOn("Paused on breakpoint", SLOW));
  const atBreakpoint = await wb.step("Variables: value = 10", () => wb.seeVariable("value", "10"));
  await wb.shot("4-breakpoint");
  report("breakpoint", { variable: atBreakpoint });

  // Step Back (the adapter advertises supportsStepBack for recorded sessions): the
  // Variables view shows the value before `value * 10` ran.
  await wb.toolbar("step-back").click();
  const where = await wb.step("paused in the past", () => wb.pausedOn("of the recorded history"));
  const stepped = await wb.step("Variables: value = 1", () => wb.seeVariable("value", "1"));
  // The Apex Timeline view (apexTimeline, refreshed at every stop) lists the calls.
  await page.locator(".pane-header", { hasText: "Apex Timeline" }).click();
  const timelineRow = page.locator(".monaco-list-row", { hasText: "main()" }).first();
  await wb.step("Apex Timeline lists main()", () => timelineRow.waitFor());
  await wb.shot("5-step-back");
  report("stepback", { variable: stepped, where, timeline: (await timelineRow.textContent()).trim(),
                       errors: await wb.apexErrors() });

  // Apex: Save Recording; the simple file dialog proposes recording.apexrec in the workspace.
  await wb.palette("Apex: Save Recording");
  await wb.step("save dialog proposes recording.apexrec", () => page.waitForFunction(() =>
    document.querySelector(".quick-input-widget input")?.value?.endsWith("/recording.apexrec")));
  await page.keyboard.press("Enter");
  const saved = wb.notification(/Apex saved \d+ steps/);
  await wb.step("notification: recording saved", () => saved.waitFor());
  await wb.shot("6-recording-saved");
  report("saverecording", { notification: (await saved.innerText()).split("\n")[0].trim() });

  // Continue from the past replays forward to the present, where the program really is
  // (stopped on line 4 again); the next Continue runs the live program to its end.
  await wb.toolbar("continue").click();
  const present = await wb.step("back in the present", () => wb.pausedOn("back in the present"));
  await wb.step("Variables: value = 10 again", () => wb.seeVariable("value", "10"));
  await wb.toolbar("continue").click();
  await wb.step("the program ends", () => wb.sessionEnded(SLOW));
  const consoleText = await wb.step("debug console shows the output", () => wb.debugConsole("result 15"));
  await wb.shot("7-ended");
  report("ended", { present, console: consoleText.slice(-400) });
}

/** Apex: Open Recording replays the saved file: no program runs, Step Back still works. */
async function replay() {
  const program = join(workspace, "compute.py");
  await wb.palette("Apex: Open Recording");
  // The simple file dialog fills its input with the folder once it has listed it; type
  // over it only then, or the typed path is replaced.
  await wb.step("the open dialog lists recording.apexrec", () => page.locator(".quick-input-widget", { hasText: "Replay an Apex recording" })
    .locator(".quick-input-list .monaco-list-row", { hasText: "recording.apexrec" }).first().waitFor());
  const recording = join(workspace, "recording.apexrec");
  await wb.quickInput().fill(recording);
  await wb.step("the dialog holds the recording's path", () => page.waitForFunction((path) =>
    document.querySelector(".quick-input-widget input")?.value === path, recording));
  await page.keyboard.press("Enter");
  await wb.step("replay session starts", () => page.locator(".debug-toolbar").waitFor({ timeout: SLOW }));
  const entry = await wb.step("paused at the start of the recording", () => wb.pausedOn("start of the recording", SLOW));
  await wb.toolbar("continue").click();
  await wb.step("Variables: value = 10 at the breakpoint", () => wb.seeVariable("value", "10"));
  await wb.toolbar("step-back").click();
  const stepped = await wb.step("Variables: value = 1 after Step Back", () => wb.seeVariable("value", "1"));
  const where = await wb.pausedOn("of the recorded history");
  const reverseContinue = await wb.toolbar("reverse-continue").isVisible();
  // What makes it a replay: nothing runs compute.py while its history is browsed.
  const running = processesRunning(program);
  await wb.shot("8-replay");
  report("replay", { entry, where, variable: stepped, reverseContinue, programProcesses: running.length,
                     errors: await wb.apexErrors() });
  await wb.toolbar("stop").click();
  await wb.step("replay session ends", () => wb.sessionEnded());
}

/** Hot reload on save: edit the function a paused program keeps calling; it returns the new value. */
async function hotReload() {
  await wb.step("breakpoint in greet.py", () => wb.toggleBreakpoint("greet.py", lines.greetBreak));
  await wb.step("start Apex: greet.py", () => wb.startDebugging("Apex: greet.py"));
  await wb.step("paused on the breakpoint", () => wb.pausedOn("Paused on breakpoint", SLOW));
  const before = await wb.step("Variables: message = 'old'", () => wb.seeVariable("message", "'old'"));

  await wb.step("open greeting.py", () => wb.openFile("greeting.py"));
  await wb.gotoLine(lines.greetEdit);
  await page.keyboard.press("End");
  await page.keyboard.press("Shift+Home");
  await page.keyboard.insertText('return "new"');
  await page.keyboard.press("Control+S");
  await wb.step("greeting.py saved", () => page.locator(".tab.active", { hasText: "greeting.py" }).and(page.locator(".tab.dirty"))
    .waitFor({ state: "detached" }));
  // The adapter reports each reload in the debug console.
  const consoleText = await wb.step("debug console: hot reload of greeting", () => wb.debugConsole(/hot reload of greeting: patched 1 \(greeting\.greeting\)/));
  const reloaded = consoleText.split("\n").find((l) => l.includes("hot reload of")) ?? "";

  await wb.toolbar("continue").click();
  const after = await wb.step("Variables: message = 'new' at the next stop", () => wb.seeVariable("message", "'new'"));
  await wb.shot("9-hot-reload");
  report("hotreload", { before, after, console: reloaded.trim(), errors: await wb.apexErrors() });
  await wb.toolbar("stop").click();
  await wb.step("greet.py session ends", () => wb.sessionEnded());
}

/** The attach picker (`apex ps --json`): attach to a running program, stop, detach. */
async function attach() {
  await wb.step("breakpoint in served.py", () => wb.toggleBreakpoint("served.py", lines.served));
  await wb.step("select Apex: attach to a process", () => wb.selectConfiguration("Apex: attach to a process"));
  await wb.step("the process picker opens", () =>
    page.locator(".quick-input-widget", { hasText: "Attach Apex to a Python process" }).waitFor({ timeout: SLOW }));
  const ours = `${process.env.APEX_E2E_SERVED_PID}: served.py`;  // not another run's
  await wb.quickInput().fill(ours);
  const row = wb.focusedRow(ours);
  await wb.step("the picker lists served.py", () => row.waitFor());
  const picked = (await row.innerText()).replace(/\s+/g, " ").trim();
  await wb.shot("10-attach-picker");
  await page.keyboard.press("Enter");
  await wb.step("attach session starts", () => page.locator(".debug-toolbar").waitFor({ timeout: SLOW }));
  await wb.step("paused on the breakpoint", () => wb.pausedOn("Paused on breakpoint", SLOW));
  const variable = await wb.step("Variables: reply = 21", () => wb.seeVariable("reply", "21"));
  const disconnect = wb.toolbar("disconnect");
  const detachable = await disconnect.isVisible();
  await wb.shot("11-attached");
  report("attach", { picked, variable, detachable, errors: await wb.apexErrors() });
  await disconnect.click();
  await wb.step("detached", () => wb.sessionEnded());
}

async function isolationAndMode() {
  // Run File in Isolation: `apex run --mode isolation --report-json` in a terminal task,
  // then the report opens as a JSON document.
  await wb.step("open compute.py", () => wb.openFile("compute.py"));
  await wb.palette("Apex: Run File in Isolation");
  await wb.step("isolation report opens", () => page.waitForFunction(() => {
    const text = document.querySelector(".editor-instance .view-lines")?.textContent ?? "";
    return text.includes("exitStatus") && text.includes("isolation");
  }, undefined, { timeout: SLOW }));
  const reportText = (await wb.editorText()).replace(/\u00a0/g, " ");
  await wb.shot("12-isolation-report");
  report("isolation", { level: /"level":\s*"(\w+)"/.exec(reportText)?.[1] ?? null,
                        exit: /"exitStatus":\s*(\d+)/.exec(reportText)?.[1] ?? null });

  // The status bar item runs Apex: Switch Mode; the server confirms with apex/status.
  await page.locator(".statusbar-item", { hasText: "Apex: hybrid" }).click();
  await page.locator(".quick-input-list .monaco-list-row", { hasText: /^\s*isolation/ }).first().click();
  const isolated = page.locator(".statusbar-item", { hasText: "Apex: isolation" });
  await wb.step("status bar shows isolation", () => isolated.waitFor());
  await wb.shot("13-switched-mode");
  report("switchmode", { status: (await isolated.textContent()).trim() });
}

try {
  log(`open ${process.env.APEX_E2E_URL}`);
  await page.goto(process.env.APEX_E2E_URL, { waitUntil: "domcontentloaded", timeout: SLOW });
  await wb.step("workbench loads", () => page.locator(".monaco-workbench").waitFor({ timeout: SLOW }));
  await problemsAndQuickFix();
  await timeTravel();
  await replay();
  await hotReload();
  if (process.env.APEX_E2E_ATTACH === "1") await attach();
  await isolationAndMode();
} catch (error) {
  await wb.shot("failure").catch(() => undefined);
  console.log(JSON.stringify({ stage: "error", ok: false, message: String(error?.stack ?? error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
