/**
 * Sample schema for the `orders` route.
 * Output row: {"orderId":"A-1","customerId":"C-9","orderDate":"2026-11-02","status":"paid",
 *   "sku":"SKU-1","quantity":2,"unitPrice":12.50,"currency":"EUR","shippedAt":null,"note":null}
 */
import type { Schema } from './types.js';

export const orders = {
  name: 'orders',
  columns: [
    { name: 'order_id', field: 'orderId', type: 'string', required: true, maxLength: 64 },
    { name: 'customer_id', field: 'customerId', type: 'string', required: true, maxLength: 64 },
    { name: 'order_date', field: 'orderDate', type: 'date', required: true },
    { name: 'status', type: 'enum', required: true, values: ['pending', 'paid', 'shipped', 'cancelled', 'refunded'] },
    { name: 'sku', type: 'string', required: true, maxLength: 32 },
    { name: 'quantity', type: 'integer', required: true, min: 1, max: 100_000 },
    { name: 'unit_price', field: 'unitPrice', type: 'decimal', required: true, scale: 4, min: 0 },
    { name: 'currency', type: 'string', required: true, pattern: /^[A-Z]{3}$/ },
    { name: 'shipped_at', field: 'shippedAt', type: 'datetime' },
    { name: 'note', type: 'string', maxLength: 1000 },
  ],
} as const satisfies Schema;
