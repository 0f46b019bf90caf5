import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardModel } from '../src/model.js';

const snapshot = (sections) => ({ feeds: ['FraudAlert', 'OrderChanged', 'CaseChanged'], sections });

test('an order that leaves pending takes its fraud alerts out of the queue; others stay', () => {
  const model = new DashboardModel();
  model.applySnapshot(snapshot({
    FraudAlert: [
      { orderId: 'o1', paymentId: 'p1', fraudScore: 80, reasons: [], version: 1 },
      { orderId: 'o2', paymentId: 'p2', fraudScore: 90, reasons: [], version: 1 },
    ],
  }));

  model.applyEvent('OrderChanged', { orderId: 'o1', status: 'pending', version: 3 });
  assert.deepEqual([...model.lists.get('FraudAlert').keys()], ['p1', 'p2']);

  model.applyEvent('OrderChanged', { orderId: 'o1', status: 'processing', version: 4 });
  assert.deepEqual([...model.lists.get('FraudAlert').keys()], ['p2']);

  model.applyEvent('OrderChanged', { orderId: 'o2', status: 'cancelled', version: 2 });
  assert.equal(model.lists.get('FraudAlert').size, 0);
});

test('a newer case change replaces the one kept, an older one does not', () => {
  const model = new DashboardModel();
  model.applySnapshot(snapshot({ CaseChanged: [{ caseId: 'c1', status: 'pending', priority: 'low', version: 2 }] }));

  model.applyEvent('CaseChanged', { caseId: 'c1', status: 'in_progress', priority: 'high', version: 3 });
  model.applyEvent('CaseChanged', { caseId: 'c1', status: 'pending', priority: 'low', version: 1 });

  assert.equal(model.lists.get('CaseChanged').get('c1').priority, 'high');
});
