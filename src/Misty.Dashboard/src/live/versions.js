// Snapshot-then-deltas: how a dashboard stays equal to the server's state with no gap and no duplicate.
// Pure logic (no DOM, no SignalR), so that it is tested on its own.

export const Outcome = Object.freeze({ Apply: 'apply', Duplicate: 'duplicate', Gap: 'gap' });

/**
 * What to do with an event of `version` for an entity last seen at `known` (undefined: never seen).
 * A contiguous feed carries every change of the entity, so it must go last + 1; other feeds only move forward.
 */
export function classify(known, version, contiguous) {
  if (known === undefined) return Outcome.Apply;
  if (version <= known) return Outcome.Duplicate;
  if (contiguous && version !== known + 1) return Outcome.Gap;
  return Outcome.Apply;
}

/**
 * One live view: the caller subscribes first, then calls sync(), which loads the snapshot; events that arrive while
 * it loads are held and applied after it (those the snapshot already contains are dropped as duplicates). A gap
 * loads the snapshot again.
 *
 * load():                 Promise of the snapshot
 * versionsOf(snapshot):   iterable of [key, version] pairs, every entity the snapshot holds
 * describe(name, event):  { key, version, contiguous } of an event, or null for an event this view does not follow
 * onSnapshot(snapshot):   replace the whole view
 * onEvent(name, event):   apply one event
 * onError(error):         a snapshot could not be loaded (the view keeps what it shows)
 */
export class SnapshotFeed {
  #options;
  #versions = new Map();
  #held = null;
  #again = false;
  #loading = null;

  constructor(options) {
    this.#options = options;
  }

  /** The last version applied per entity. */
  get versions() {
    return new Map(this.#versions);
  }

  /** Loads the snapshot (again); resolves once it and the events held meanwhile are applied. */
  sync() {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#held = [];
    this.#loading = this.#load().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /** Takes one event from the connection. */
  receive(name, event) {
    const described = this.#options.describe(name, event);
    if (!described) return Outcome.Duplicate;
    if (this.#held) {
      this.#held.push([name, event]);
      return null;
    }
    const outcome = classify(this.#versions.get(described.key), described.version, described.contiguous);
    if (outcome === Outcome.Apply) {
      this.#versions.set(described.key, described.version);
      this.#options.onEvent(name, event);
    } else if (outcome === Outcome.Gap) {
      this.sync();
    }
    return outcome;
  }

  async #load() {
    do {
      this.#again = false;
      let snapshot;
      try {
        snapshot = await this.#options.load();
      } catch (error) {
        this.#options.onError?.(error);
        // Still following: what was held is applied on top of what the view shows, and a gap retries.
        snapshot = null;
      }
      if (this.#again) continue;
      if (snapshot !== null) {
        this.#versions = new Map(this.#options.versionsOf(snapshot));
        this.#options.onSnapshot(snapshot);
      }
    } while (this.#again);
    const held = this.#held;
    this.#held = null;
    for (const [name, event] of held) this.receive(name, event);
  }
}
