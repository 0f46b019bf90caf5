import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardModel } from '../src/model.js';
import { openReorders } from '../src/views/reorder-queue.js';

const line = (reorderId, status, priority, version, extra = {}) => ({
  reorderId, albumId: `a-${reorderId}`, sku: `SKU-${reorderId}`, status, priority, quantity: 10, receivedQuantity: 0, totalCost: 100, version,
  updatedAt: `2026-12-03T10:0${version}:00Z`, ...extra,
});

test('queued lines join the queue with their insight, keep it when approved, and leave once received', () => {
  const model = new DashboardModel();
  model.applySnapshot({ feeds: ['ReorderChanged', 'ReorderQueued'], sections: { ReorderChanged: [line('r1', 'approved', 'medium', 2)] } });

  model.applyEvent('ReorderQueued', line('r2', 'pending', 'critical', 1, { insight: 'Sold 14 in 8 weeks' }));
  assert.deepEqual(openReorders(model).map((item) => item.reorderId), ['r2', 'r1']);

  model.applyEvent('ReorderChanged', line('r2', 'approved', 'critical', 2));
  assert.equal(model.lists.get('ReorderChanged').get('r2').insight, 'Sold 14 in 8 weeks');

  model.applyEvent('ReorderChanged', line('r1', 'received', 'medium', 4));
  model.applyEvent('ReorderChanged', line('r1', 'ordered', 'medium', 3));
  assert.deepEqual(openReorders(model).map((item) => item.reorderId), ['r2']);
});
