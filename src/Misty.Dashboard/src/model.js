// What the dashboard knows, from the dashboard snapshot and events, and from the stock of the albums it watches.
import { DashboardFeeds } from './live/live-client.js';

const lists = ['LowStock', 'FraudAlert', 'CaseChanged', 'WorkflowProgress', 'ReorderChanged', 'InsightChanged'];

export class DashboardModel {
  /** Event names the server forwards, and the sections its snapshot holds. */
  feeds = new Set();
  sections = new Set();
  metrics = null;
  /** Per event name, its entities by key: LowStock by album, CaseChanged by case, and so on. */
  lists = new Map(lists.map((name) => [name, new Map()]));
  #listeners = new Set();

  get lowStock() {
    return this.lists.get('LowStock');
  }

  onChange(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  applySnapshot(snapshot) {
    this.feeds = new Set(snapshot.feeds);
    this.sections = new Set(Object.keys(snapshot.sections));
    this.metrics = snapshot.sections.MetricsTick?.[0] ?? null;
    for (const [name, entities] of this.lists) {
      entities.clear();
      for (const item of snapshot.sections[name] ?? []) this.#keep(name, item);
    }
    this.#changed();
  }

  applyEvent(name, event) {
    if (name === 'MetricsTick') this.metrics = event;
    else if (name === 'OrderChanged') this.#orderChanged(event);
    // A queued line is a line change that carries its explanation.
    else if (name === 'ReorderQueued') this.#keep('ReorderChanged', event);
    else if (name === 'ReorderChanged') this.#keep(name, { insight: this.lists.get(name).get(event.reorderId)?.insight, ...event });
    else if (this.lists.has(name)) this.#keep(name, event);
    this.#changed();
  }

  /** An order that is no longer pending has been decided (approved and charged, or rejected): its alerts leave the queue. */
  #orderChanged(order) {
    if (order.status === 'pending') return;
    const alerts = this.lists.get('FraudAlert');
    for (const [key, alert] of alerts) {
      if (alert.orderId === order.orderId) alerts.delete(key);
    }
  }

  /** The latest stock of a watched album: moves its low-stock entry, and drops it once stock is above the reorder point. */
  applyStock(stock) {
    const entry = this.lowStock.get(stock.albumId);
    if (!entry || stock.version <= entry.version) return;
    if (stock.available > entry.reorderPoint) this.lowStock.delete(stock.albumId);
    else this.lowStock.set(stock.albumId, { ...entry, available: stock.available, version: stock.version });
    this.#changed();
  }

  /** Names of albums learnt from the snapshot or looked up, for live events that carry only the SKU. */
  albumNames = new Map();

  nameAlbum(albumId, title, artist) {
    this.albumNames.set(albumId, { title, artist });
    this.#changed();
  }

  #keep(name, item) {
    const entities = this.lists.get(name);
    const key = DashboardFeeds[name].key(item);
    const known = entities.get(key);
    if (name === 'LowStock' && item.title) this.albumNames.set(item.albumId, { title: item.title, artist: item.artist });
    if (!known || item.version >= known.version) entities.set(key, item);
  }

  #changed() {
    this.#listeners.forEach((listener) => listener(this));
  }
}
