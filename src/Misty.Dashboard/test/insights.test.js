import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardModel } from '../src/model.js';
import { insightVersions, openInsights } from '../src/views/insights.js';

const insight = (recommendationId, status, impact, confidenceScore, version, expiresAt = '2099-01-01T00:00:00Z') => ({
  recommendationId, recommendationType: 'pricing', entityId: `a-${recommendationId}`, status, impact, confidenceScore, recommendation: 'Change the price',
  insight: 'Priced far under its value', expiresAt, scheduledFor: null, version, updatedAt: '2026-12-03T10:00:00Z',
});

test('open insights are the pending, unexpired ones, most impact first, and leave when decided', () => {
  const model = new DashboardModel();
  model.applySnapshot({ feeds: ['InsightChanged'], sections: { InsightChanged: [insight('i1', 'pending', 'low', 90, 1), insight('i2', 'pending', 'high', 60, 1)] } });

  model.applyEvent('InsightChanged', insight('i3', 'pending', 'high', 80, 1));
  model.applyEvent('InsightChanged', insight('i4', 'pending', 'high', 99, 2, '2000-01-01T00:00:00Z'));
  assert.deepEqual(openInsights(model).map((item) => item.recommendationId), ['i3', 'i2', 'i1']);

  const before = insightVersions(model);
  model.applyEvent('InsightChanged', insight('i3', 'accepted', 'high', 80, 2));
  model.applyEvent('InsightChanged', insight('i3', 'pending', 'high', 80, 1));
  assert.deepEqual(openInsights(model).map((item) => item.recommendationId), ['i2', 'i1']);
  assert.notEqual(insightVersions(model), before);
});
