// What a user does in the VS Code workbench, as Playwright calls, for e2e/drive.mjs.
// Every wait is on something the user would see (a widget, a text, a value) with a
// deadline; nothing sleeps. Each step is written to the stage log before it starts, so
// a failure names the step it was waiting on.
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Seconds since start, then the message; appended synchronously so a kill keeps it. */
export function stageLog(file) {
  const start = Date.now();
  return (message) => appendFileSync(file, `${((Date.now() - start) / 1000).toFixed(1).padStart(7)}s  ${message}\n`);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class Workbench {
  constructor(page, { shots, log }) {
    this.page = page;
    this.shots = shots;
    this.log = log;
  }

  /** Runs one step of the journey, logging its start and end; errors say which step. */
  async step(what, fn) {
    this.log(`... ${what}`);
    const started = Date.now();
    try {
      const result = await fn();
      this.log(`ok  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return result;
    } catch (error) {
      const message = String(error?.message ?? error).split("\n").slice(0, 6).join("\n");
      this.log(`FAILED ${what} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${message}`);
      throw new Error(`${what}: ${message}`, { cause: error });
    }
  }

  /** Repeats `attempt(timeout)` (undoing with `reset` in between) until it succeeds or
   *  the deadline passes; for UI gestures that are sometimes lost, not for slow results. */
  async retry(what, attempt, reset, { each = 15000, deadline = 120000 } = {}) {
    const started = Date.now();
    for (let n = 1; ; n++) {
      try {
        return await attempt(each);
      } catch (error) {
        if (Date.now() - started + each > deadline) throw error;
        this.log(`    ${what}: attempt ${n} showed nothing within ${each / 1000} s; again`);
        await reset();
      }
    }
  }

  async shot(name) {
    await this.page.screenshot({ path: join(this.shots, `${name}.png`) });
  }

  quickInput() {
    return this.page.locator(".quick-input-widget input");
  }

  /** The quick input's focused row (what Enter picks) once it shows `text`: a row with the
   *  text can be in the list before the typed filter applies (recent files, for one). */
  focusedRow(text) {
    return this.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: text });
  }

  async palette(command) {
    await this.page.keyboard.press("F1");
    const input = this.quickInput();
    await input.waitFor({ state: "visible" });
    await input.fill(`>${command}`);
    await this.focusedRow(command).waitFor();
    await this.page.keyboard.press("Enter");
  }

  async openFile(name) {
    await this.page.keyboard.press("Control+P");
    const input = this.quickInput();
    await input.waitFor({ state: "visible" });
    await input.fill(name);
    await this.focusedRow(name).waitFor();
    await this.page.keyboard.press("Enter");
    await this.page.locator(`.tab.active:has-text("${name}")`).waitFor();
    await this.page.locator(".monaco-editor .view-lines").first().waitFor();
  }

  async gotoLine(spec) {
    await this.page.keyboard.press("Control+G");
    const input = this.quickInput();
    await input.waitFor({ state: "visible" });
    await input.fill(`:${spec}`);
    await this.page.keyboard.press("Enter");
    await input.waitFor({ state: "hidden" });
    // Keys pressed next (F9, Ctrl+.) go to the editor only once it has focus again.
    await this.page.locator(".editor-instance .monaco-editor.focused").first().waitFor();
  }

  editorText() {
    return this.page.locator(".editor-instance .monaco-editor .view-lines").first().innerText();
  }

  /** A breakpoint on `line` of `file` (F9), seen as a new glyph in the editor's margin. */
  async toggleBreakpoint(file, line) {
    await this.openFile(file);
    const glyphs = this.page.locator(".editor-instance .monaco-editor .codicon-debug-breakpoint");
    const before = await glyphs.count();
    await this.gotoLine(String(line));
    await this.page.keyboard.press("F9");
    await this.page.waitForFunction(([n]) =>
      document.querySelectorAll(".editor-instance .monaco-editor .codicon-debug-breakpoint").length > n, [before]);
  }

  /** Debug: Select and Start Debugging, then the launch.json configuration `name`. */
  async selectConfiguration(name) {
    await this.palette("Debug: Select and Start Debugging");
    // A quick access list ("debug " prefix): pick the row rather than type over the prefix.
    const row = this.page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first();
    await row.click();
  }

  async startDebugging(name) {
    await this.selectConfiguration(name);
    await this.page.locator(".debug-toolbar").waitFor({ timeout: 180000 });
  }

  /** The Call Stack header's state ("Paused on breakpoint", the adapter's description). */
  pausedState(text) {
    return this.page.locator(".call-stack-state-message .label", { hasText: text }).first();
  }

  async pausedOn(text, timeout) {
    const state = this.pausedState(text);
    await state.waitFor({ timeout });
    return (await state.innerText()).trim();
  }

  toolbar(icon) {
    return this.page.locator(`.debug-toolbar .action-item .codicon-debug-${icon}`);
  }

  async sessionEnded(timeout) {
    await this.page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout });
  }

  /** VS Code does not always expand the first scope; open Locals when it is closed. */
  async expandLocals() {
    const locals = this.page.locator('.monaco-list-row[aria-level="1"]', { hasText: /^\s*Locals\s*$/ }).first();
    await locals.waitFor();
    if ((await locals.getAttribute("aria-expanded")) === "false") await locals.click();
  }

  /** The Variables view row `name = value` (value as shown, e.g. 10 or 'new'). */
  variable(name, value) {
    const pattern = new RegExp(`^\\s*${escape(name)}\\s*=\\s*${escape(value)}\\s*$`);
    return this.page.locator(".monaco-list-row", { hasText: pattern }).first();
  }

  async seeVariable(name, value, timeout) {
    await this.expandLocals();
    const row = this.variable(name, value);
    await row.waitFor({ timeout });
    return (await row.textContent()).replace(/\s+/g, "");
  }

  notification(text) {
    return this.page.locator(".notifications-toasts .notification-toast", { hasText: text }).first();
  }

  /** Texts of the error notifications on screen that come from Apex. */
  async apexErrors() {
    const toasts = this.page.locator(".notifications-toasts .notification-toast", { has: this.page.locator(".codicon-error") });
    return (await toasts.allInnerTexts()).filter((text) => /apex/i.test(text)).map((text) => text.replace(/\s+/g, " ").trim());
  }

  async debugConsole(text, timeout) {
    await this.page.keyboard.press("Control+Shift+Y");
    const repl = this.page.locator(".repl");
    await repl.waitFor();
    if (text !== undefined) await repl.getByText(text).first().waitFor({ timeout });
    return repl.innerText();
  }
}

/** Pids of live processes whose command line mentions `path` (read from /proc). */
export function processesRunning(path) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf-8").split("\0").some((arg) => arg.includes(path))) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
