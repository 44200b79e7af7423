import { describe, expect, test } from 'vitest';
import { findRoute, routes } from '../../src/config/routes.js';

describe('findRoute: prefix as given, suffix in any case', () => {
  test.each([
    { key: 'incoming/orders/2026/orders sample+1.csv', id: 'orders' },
    { key: 'incoming/orders/x.csv.gz', id: 'orders' },
    { key: 'incoming/images/cat.jpg', id: 'images' },
    { key: 'incoming/images/IMG_0001.JPG', id: 'images' },
    { key: 'incoming/orders/Day.CSV', id: 'orders' },
    { key: 'incoming/orders/Day.Csv.GZ', id: 'orders' },
    { key: 'Incoming/orders/x.csv', id: undefined },
    { key: 'incoming/x/y.txt', id: undefined },
    { key: 'incoming/orders/x.csv.bak', id: undefined },
    { key: 'processed/incoming/orders/x.csv', id: undefined },
  ])('$key → $id', ({ key, id }) => {
    expect(findRoute(routes, key)?.id).toBe(id);
  });
});
