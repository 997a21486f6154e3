// The status bar item: the active mode and where the policy comes from; a click runs
// Apex: Switch Mode.
import * as vscode from "vscode";
import type { ApexStatus } from "./client";

const ICONS: Record<string, string> = { isolation: "$(lock)", hybrid: "$(shield)", development: "$(unlock)" };

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("apex.status", vscode.StatusBarAlignment.Left, 50);
  last: ApexStatus | undefined;

  constructor() {
    this.item.name = "Apex mode";
    this.item.command = "apex.switchMode";
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.item.text = "$(sync~spin) Apex";
    this.item.tooltip = "Apex language server is starting";
    this.item.backgroundColor = undefined;
  }

  failed(message: string): void {
    this.item.text = "$(error) Apex";
    this.item.tooltip = message;
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  update(status: ApexStatus): void {
    this.last = status;
    const override = status.modeOverride ? " (editor override)" : "";
    this.item.text = `${ICONS[status.mode] ?? "$(shield)"} Apex: ${status.mode}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**Apex mode:** ${status.mode}${override}\n\n**Policy:** ${status.policySourceDescription ?? status.policySource}` +
      `\n\nClick to switch mode.`);
    this.item.backgroundColor = status.mode === "isolation"
      ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  }

  dispose(): void { this.item.dispose(); }
}
