// VS Code's `apex` settings section → what `apex lsp` reads (initializationOptions and
// the answer to workspace/configuration): {mode, policy: {...}, diagnostics, scan,
// largeFileBytes}. Policy settings default to null, and a null is never sent, so the
// policy file keeps every key the user did not set in the editor.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Settings the server reads directly (config.py's SETTING_KEYS). */
const SERVER_KEYS = ["mode", "diagnostics", "scan", "largeFileBytes"] as const;
/** Settings only the extension reads; never sent. */
export const EXTENSION_KEYS = ["interpreter", "importStrategy", "trace", "hotReloadOnSave"] as const;
/** Changing one of these restarts the server (it runs in another process or with other packages). */
export const RESTART_KEYS = ["apex.interpreter", "apex.importStrategy", "apex.trace.server"] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Drop nulls (and objects left empty) recursively: only what the user set. */
export function pruneNulls(value: Json | undefined): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      const kept = pruneNulls(inner);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

export function serverSettings(section: JsonObject | undefined | null): JsonObject {
  const raw = isObject(section) ? section : {};
  const out: JsonObject = {};
  const policy: JsonObject = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((EXTENSION_KEYS as readonly string[]).includes(key)) continue;
    const kept = pruneNulls(value);
    if (kept === undefined) continue;
    if ((SERVER_KEYS as readonly string[]).includes(key)) {
      out[key] = kept;
    } else if (key === "policy" && isObject(kept)) {
      Object.assign(policy, kept); // an explicit apex.policy object from settings.json
    } else {
      policy[key] = kept;
    }
  }
  if (Object.keys(policy).length > 0) out.policy = policy;
  return out;
}

/** Expand VS Code's flat dotted keys ({"apex.capabilities.network.action": "deny"}) to a tree. */
export function nestDotted(flat: Record<string, Json>, prefix = "apex."): JsonObject {
  const out: JsonObject = {};
  for (const [dotted, value] of Object.entries(flat)) {
    if (!dotted.startsWith(prefix)) continue;
    const parts = dotted.slice(prefix.length).split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as JsonObject;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

export function affectsRestart(affects: (key: string) => boolean): boolean {
  return RESTART_KEYS.some((key) => affects(key));
}

/** Calls `fn` once, `delayMs` after the last of a burst of calls. */
export function debounce(fn: () => void, delayMs: number,
                         timers: { set: typeof setTimeout; clear: typeof clearTimeout } =
                           { set: setTimeout, clear: clearTimeout }): () => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (handle !== undefined) timers.clear(handle);
    handle = timers.set(() => { handle = undefined; fn(); }, delayMs);
  };
}
