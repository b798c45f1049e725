import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest, nearestPath } from '../../src/openapi/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['status', 'status', 0],
    ['', 'abc', 3],
    ['stauts', 'status', 1], // two swapped neighbours count once
    ['statu', 'status', 1],
    ['sttus', 'status', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment: no edit of a swapped pair
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nearest', () => {
  const params = ['page', 'per_page', 'q', 'sort', 'order', 'status', 'priority', 'assignee_id', 'created_after', 'created_before'];

  it('names the candidate a typo was meant to be', () => {
    expect(nearest('stauts', params)).toBe('status');
    expect(nearest('Status', params)).toBe('status');
    expect(nearest('priorty', params)).toBe('priority');
    expect(nearest('asignee_id', params)).toBe('assignee_id');
    expect(nearest('created_afer', params)).toBe('created_after');
    expect(nearest('opne', ['open', 'pending', 'resolved', 'closed'])).toBe('open');
  });

  it('suggests nothing when nothing is close, for short words, or for the name itself', () => {
    expect(nearest('zzz', params)).toBeUndefined();
    expect(nearest('x', params)).toBeUndefined(); // one edit from `q`, but a third of one letter is none
    expect(nearest('banana', ['low', 'normal', 'high', 'urgent'])).toBeUndefined();
    expect(nearest('status', ['status'])).toBeUndefined();
    expect(nearest('', params)).toBeUndefined();
    expect(nearest('s'.repeat(10_000), ['s'.repeat(10_000)])).toBeUndefined();
  });

  it('didYouMean phrases it, or says nothing', () => {
    expect(didYouMean('stauts', params)).toBe(" Did you mean 'status'?");
    expect(didYouMean('zzz', params)).toBe('');
  });
});

describe('nearestPath', () => {
  const templates = ['/v1/me', '/v1/tickets', '/v1/tickets/{id}', '/v1/conversations/{id}/messages', '/_mock/health', '/docs'];

  it('fixes a typo in a literal segment, keeping the values of parameters', () => {
    expect(nearestPath('/v1/ticket', templates)).toBe('/v1/tickets');
    expect(nearestPath('/v1/Tickets', templates)).toBe('/v1/tickets');
    expect(nearestPath('/v1/ticket/ticket_123', templates)).toBe('/v1/tickets/ticket_123');
    expect(nearestPath('/v1/conversations/conv_123/mesages', templates)).toBe('/v1/conversations/conv_123/messages');
    expect(nearestPath('/doc', templates)).toBe('/docs');
  });

  it('drops an empty segment', () => {
    expect(nearestPath('/v1/tickets/', templates)).toBe('/v1/tickets');
  });

  it('suggests nothing for a path unlike any route', () => {
    expect(nearestPath('/v1/nothing', templates)).toBeUndefined();
    expect(nearestPath('/v2/tickets/a/b', templates)).toBeUndefined();
    expect(nearestPath('/v1/tickets', templates)).toBeUndefined();
    expect(nearestPath('/', templates)).toBeUndefined();
  });
});
