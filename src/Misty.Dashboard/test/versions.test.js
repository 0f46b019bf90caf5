import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, Outcome, SnapshotFeed } from '../src/live/versions.js';

test('classify: next version applies, older or equal is a duplicate, a skipped one is a gap', () => {
  assert.equal(classify(undefined, 7, true), Outcome.Apply);
  assert.equal(classify(3, 4, true), Outcome.Apply);
  assert.equal(classify(3, 3, true), Outcome.Duplicate);
  assert.equal(classify(3, 2, true), Outcome.Duplicate);
  assert.equal(classify(3, 5, true), Outcome.Gap);
  assert.equal(classify(3, 9, false), Outcome.Apply);
  assert.equal(classify(3, 3, false), Outcome.Duplicate);
});

// A server holding one album's stock; every change is an event of the next version.
function album() {
  const server = { version: 0, available: 100, events: [] };
  server.change = (delta) => {
    server.version += 1;
    server.available += delta;
    const event = { albumId: 'a', available: server.available, version: server.version };
    server.events.push(event);
    return event;
  };
  return server;
}

function view(server, { loadDelay = 0 } = {}) {
  const shown = { available: null, version: null, applied: [], snapshots: 0 };
  let pendingLoads = [];
  const feed = new SnapshotFeed({
    load: () => {
      // The snapshot is taken when the server answers, which may be after later events were published.
      const answer = () => ({ albumId: 'a', available: server.available, version: server.version });
      if (loadDelay === 0) return Promise.resolve(answer());
      return new Promise((resolve) => pendingLoads.push(() => resolve(answer())));
    },
    versionsOf: (snapshot) => [[snapshot.albumId, snapshot.version]],
    describe: (name, event) => (name === 'StockChanged' ? { key: event.albumId, version: event.version, contiguous: true } : null),
    onSnapshot: (snapshot) => {
      shown.snapshots += 1;
      shown.available = snapshot.available;
      shown.version = snapshot.version;
    },
    onEvent: (_, event) => {
      shown.applied.push(event.version);
      shown.available = event.available;
      shown.version = event.version;
    },
  });
  const answerLoads = async () => {
    const loads = pendingLoads;
    pendingLoads = [];
    loads.forEach((answer) => answer());
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { feed, shown, answerLoads };
}

test('events published while the snapshot loads are applied once, after it, with no gap', async () => {
  const server = album();
  server.change(-1);
  const { feed, shown, answerLoads } = view(server, { loadDelay: 1 });
  const syncing = feed.sync();
  // Delivered before the snapshot is read: v2 ends up inside the snapshot, v3 after it.
  feed.receive('StockChanged', server.change(-2));
  await answerLoads();
  feed.receive('StockChanged', server.change(-3));
  await syncing;
  assert.equal(shown.snapshots, 1);
  assert.equal(shown.version, 3);
  assert.equal(shown.available, server.available);
  assert.deepEqual(shown.applied, [3]);
});

test('a snapshot taken after held events makes them duplicates: nothing is applied twice', async () => {
  const server = album();
  const { feed, shown, answerLoads } = view(server, { loadDelay: 1 });
  const syncing = feed.sync();
  const held = [server.change(-1), server.change(-1)];
  held.forEach((event) => feed.receive('StockChanged', event));
  await answerLoads();
  await syncing;
  assert.deepEqual(shown.applied, []);
  assert.equal(shown.version, 2);
  assert.equal(feed.receive('StockChanged', held[1]), Outcome.Duplicate);
});

test('a lost event is noticed at the next one, which re-reads the snapshot', async () => {
  const server = album();
  const { feed, shown } = view(server);
  await feed.sync();
  feed.receive('StockChanged', server.change(-1));
  server.change(-1); // never delivered
  assert.equal(feed.receive('StockChanged', server.change(-1)), Outcome.Gap);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(shown.snapshots, 2);
  assert.equal(shown.version, 3);
  assert.equal(shown.available, server.available);
});

test('any order of delivery, with repeats and losses, converges on the server state and never applies a version twice', async () => {
  for (let seed = 1; seed <= 200; seed += 1) {
    let random = seed;
    const next = () => {
      random = (random * 48271) % 2147483647;
      return random / 2147483647;
    };
    const server = album();
    const { feed, shown, answerLoads } = view(server, { loadDelay: 1 });
    const syncing = feed.sync();
    const inFlight = [];
    for (let step = 0; step < 60; step += 1) {
      const roll = next();
      if (roll < 0.5) inFlight.push(server.change(next() < 0.5 ? -1 : 2));
      else if (roll < 0.6 && inFlight.length > 0) inFlight.splice(Math.floor(next() * inFlight.length), 1); // lost
      else if (roll < 0.7 && inFlight.length > 0) feed.receive('StockChanged', inFlight[Math.floor(next() * inFlight.length)]); // repeat
      else if (roll < 0.8) await answerLoads();
      else if (inFlight.length > 0) feed.receive('StockChanged', inFlight.shift());
    }
    // The stream settles: whatever is left arrives in order, and one more change shows any loss.
    inFlight.forEach((event) => feed.receive('StockChanged', event));
    feed.receive('StockChanged', server.change(0));
    for (let i = 0; i < 5; i += 1) await answerLoads();
    await syncing;
    assert.equal(shown.version, server.version, `seed ${seed}`);
    assert.equal(shown.available, server.available, `seed ${seed}`);
    assert.equal(new Set(shown.applied).size, shown.applied.length, `seed ${seed}: a version was applied twice`);
    for (let i = 1; i < shown.applied.length; i += 1) {
      assert.ok(shown.applied[i] > shown.applied[i - 1], `seed ${seed}: versions went backwards`);
    }
  }
});
