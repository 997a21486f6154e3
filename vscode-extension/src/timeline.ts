// "Apex Timeline" tree view in the Run and Debug side bar, fed by `apexTimeline`.
import * as vscode from "vscode";
import { hasHistory } from "./debugConfig";

export interface TimelineItem {
  step: number;
  kind: string;
  name?: string;
  text?: string;
  line?: number;
  threadId?: number;
  source?: { path?: string };
}

export interface Timeline {
  earliestStep: number;
  latestStep: number;
  droppedOlder?: number;
  truncated?: boolean;
  items: TimelineItem[];
}

const ICONS: Record<string, string> = {
  call: "symbol-method", exception: "error", breakpoint: "debug-breakpoint",
  stateEdit: "edit", hotReload: "refresh",
};

export class TimelineView implements vscode.TreeDataProvider<TimelineItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private items: TimelineItem[] = [];
  message: string | undefined;

  async refresh(session: vscode.DebugSession | undefined): Promise<void> {
    if (!session || session.type !== "apex") {
      this.items = [];
      this.message = "Start an apex debug session with \"record\": true to see its timeline.";
    } else if (!hasHistory(session.configuration)) {
      this.items = [];
      this.message = "This session is not recorded: launch with \"record\": true to see its timeline.";
    } else {
      try {
        const timeline = await session.customRequest("apexTimeline", { maxItems: 500 }) as Timeline;
        this.items = [...timeline.items].reverse(); // newest first
        this.message = `Steps ${timeline.earliestStep}–${timeline.latestStep}` +
          (timeline.truncated ? " (most recent 500 shown)" : "");
      } catch (error) {
        this.items = [];
        this.message = (error as Error).message;
      }
    }
    this.changed.fire();
  }

  getTreeItem(item: TimelineItem): vscode.TreeItem {
    const label = item.kind === "call" ? `${item.name ?? "?"}()` : `${item.kind}${item.name ? `: ${item.name}` : ""}`;
    const tree = new vscode.TreeItem(label);
    const where = item.source?.path ? `${item.source.path.split("/").pop()}:${item.line ?? "?"}` : "";
    tree.description = [`#${item.step}`, where, item.text ?? ""].filter(Boolean).join("  ");
    tree.iconPath = new vscode.ThemeIcon(ICONS[item.kind] ?? "circle-small");
    if (item.source?.path && item.line) {
      const line = Math.max(0, item.line - 1);
      tree.command = {
        command: "vscode.open", title: "Open",
        arguments: [vscode.Uri.file(item.source.path), { selection: new vscode.Range(line, 0, line, 0) }],
      };
    }
    return tree;
  }

  getChildren(item?: TimelineItem): TimelineItem[] {
    return item ? [] : this.items;
  }
}
