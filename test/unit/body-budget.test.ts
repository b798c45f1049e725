import { describe, expect, it } from 'vitest';
import { BodyBudget } from '../../src/middleware/body.js';

describe('the budget of request bodies', () => {
  it('lets bodies through while they fit, holds the others, and never lends more than it has', async () => {
    const budget = new BodyBudget(100);
    const a = await budget.take(60);
    const b = await budget.take(40);
    expect(budget.available).toBe(0);
    const order: string[] = [];
    const big = budget.take(90).then((give) => {
      order.push('big');
      return give;
    });
    const small = budget.take(30).then((give) => {
      order.push('small');
      return give;
    });
    await new Promise(setImmediate); // every promise the budget settled has run its callbacks
    expect(order).toEqual([]);
    a();
    a(); // giving back twice gives back once
    await new Promise(setImmediate); // every promise the budget settled has run its callbacks
    // First fit: the small body goes ahead of the large one that still does not fit.
    expect(order).toEqual(['small']);
    expect(budget.available).toBe(30);
    b();
    (await small)();
    await new Promise(setImmediate); // every promise the budget settled has run its callbacks
    expect(order).toEqual(['small', 'big']);
    (await big)();
    expect(budget.available).toBe(100);
    (await budget.take(10_000))();
    expect(budget.available).toBe(100);
  });
});
