// The page's one SignalR connection to /hubs/operations: album watches and the dashboard feed, each a SnapshotFeed.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { SnapshotFeed } from './versions.js';

/**
 * The dashboard events this page follows: the entity each is about, and whether its feed carries every change of
 * that entity (then a skipped version is a gap) or only some (LowStock fires when stock crosses the reorder point).
 */
export const DashboardFeeds = Object.freeze({
  MetricsTick: { key: () => 'store', contiguous: true },
  LowStock: { key: (event) => event.albumId, contiguous: false },
  FraudAlert: { key: (event) => event.paymentId ?? event.orderId, contiguous: false },
  CaseChanged: { key: (event) => event.caseId, contiguous: true },
  WorkflowProgress: { key: (event) => event.executionId, contiguous: true },
  // Only to see an order leave fraud review; the snapshot holds no orders, so versions only move forward.
  OrderChanged: { key: (event) => event.orderId, contiguous: false },
  // A line's version grows by one per change, but lines leave the snapshot once received or dismissed.
  ReorderChanged: { key: (event) => event.reorderId, contiguous: false },
  ReorderQueued: { key: (event) => event.reorderId, contiguous: false },
  // An insight's version grows by one per change; decided and expired ones leave the snapshot.
  InsightChanged: { key: (event) => event.recommendationId, contiguous: false },
});

const entityKey = (name, event) => `${name}:${DashboardFeeds[name].key(event)}`;

export class LiveClient {
  #connection;
  #albums = new Map();
  #dashboard = null;
  #onStatus;

  /** getToken(): the bearer token; onStatus(text): the connection's state, for the page to show. */
  constructor(getToken, onStatus) {
    this.#onStatus = onStatus;
    this.#connection = new HubConnectionBuilder()
      .withUrl('/hubs/operations', { accessTokenFactory: getToken })
      .withAutomaticReconnect()
      .configureLogging(LogLevel.Warning)
      .build();
    this.#connection.on('StockChanged', (events) => events.forEach((event) => this.#albums.get(event.albumId)?.feed.receive('StockChanged', event)));
    for (const name of Object.keys(DashboardFeeds)) {
      this.#connection.on(name, (events) => events.forEach((event) => this.#dashboard?.feed.receive(name, event)));
    }
    this.#connection.onreconnecting(() => onStatus('Reconnecting…'));
    // A new connection follows nothing: follow everything again and re-read every snapshot.
    this.#connection.onreconnected(() => this.#resume());
    this.#connection.onclose(() => onStatus('Offline'));
  }

  async start() {
    this.#onStatus('Connecting…');
    await this.#connection.start();
    this.#onStatus('Live');
  }

  stop() {
    this.#albums.clear();
    this.#dashboard = null;
    return this.#connection.stop();
  }

  /**
   * Calls handler(event) for each event of one name the hub forwards to dashboard subscribers outside the snapshot
   * feeds (ApprovalRequested); returns the function that stops.
   */
  onNotice(name, handler) {
    const receive = (events) => events.forEach(handler);
    this.#connection.on(name, receive);
    return () => this.#connection.off(name, receive);
  }

  /** Follows the all-key feeds: listener.onSnapshot(snapshot) then listener.onEvent(name, event). */
  async followDashboard(listener) {
    const feed = new SnapshotFeed({
      load: () => this.#connection.invoke('GetDashboardSnapshot'),
      versionsOf: (snapshot) => Object.entries(snapshot.sections)
        .filter(([name]) => name in DashboardFeeds)
        .flatMap(([name, items]) => items.map((item) => [entityKey(name, item), item.version])),
      describe: (name, event) => ({ key: entityKey(name, event), version: event.version, contiguous: DashboardFeeds[name].contiguous }),
      onSnapshot: (snapshot) => listener.onSnapshot(snapshot),
      onEvent: (name, event) => listener.onEvent(name, event),
      onError: (error) => listener.onError?.(error),
    });
    this.#dashboard = { feed };
    await this.#connection.invoke('SubscribeDashboard');
    await feed.sync();
  }

  /**
   * Follows one album's stock: onStock(stock) with the latest {albumId, sku, quantity, reserved, available, version}
   * (plus reorderPoint once the snapshot is read). Returns the function that stops following.
   */
  watchAlbum(albumId, onStock) {
    let album = this.#albums.get(albumId);
    if (!album) {
      album = this.#newAlbum(albumId);
      this.#albums.set(albumId, album);
      this.#follow(album);
    } else if (album.stock) {
      // Later, as for a new album: a caller never hears from inside its own watchAlbum call.
      queueMicrotask(() => album.listeners.has(onStock) && onStock(album.stock));
    }
    album.listeners.add(onStock);
    return () => {
      album.listeners.delete(onStock);
      if (album.listeners.size === 0 && this.#albums.get(albumId) === album) {
        this.#albums.delete(albumId);
        this.#invokeQuietly('UnsubscribeAlbum', albumId);
      }
    };
  }

  #newAlbum(albumId) {
    const album = { albumId, listeners: new Set(), stock: null };
    const show = (stock) => {
      album.stock = { ...album.stock, ...stock };
      album.listeners.forEach((listener) => listener(album.stock));
    };
    album.feed = new SnapshotFeed({
      load: () => this.#connection.invoke('GetAlbumSnapshot', albumId),
      versionsOf: (snapshot) => [[albumId, snapshot.version]],
      describe: (name, event) => (name === 'StockChanged' ? { key: albumId, version: event.version, contiguous: true } : null),
      onSnapshot: show,
      onEvent: (_, event) => show(event),
    });
    return album;
  }

  async #follow(album) {
    try {
      await this.#connection.invoke('SubscribeAlbum', album.albumId);
      await album.feed.sync();
    } catch {
      // Disconnected meanwhile: #resume follows it again once the connection is back.
    }
  }

  async #resume() {
    this.#onStatus('Live');
    for (const album of this.#albums.values()) this.#follow(album);
    if (this.#dashboard) {
      await this.#invokeQuietly('SubscribeDashboard');
      await this.#dashboard.feed.sync();
    }
  }

  async #invokeQuietly(method, ...args) {
    if (this.#connection.state !== HubConnectionState.Connected) return;
    try {
      await this.#connection.invoke(method, ...args);
    } catch {
      // The connection went away; nothing is followed on a closed connection anyway.
    }
  }
}
