/** Builders for orders CSV files (the sample schema), so tests state only what differs. */
export const ORDERS_COLUMNS = ['order_id', 'customer_id', 'order_date', 'status', 'sku', 'quantity', 'unit_price', 'currency', 'shipped_at', 'note'] as const;

export type OrderFields = Record<(typeof ORDERS_COLUMNS)[number], string>;

export const validOrder = (index = 1): OrderFields => ({
  order_id: `A-${index}`,
  customer_id: 'C-1',
  order_date: '2026-11-02',
  status: 'paid',
  sku: 'SKU-1',
  quantity: '2',
  unit_price: '12.50',
  currency: 'EUR',
  shipped_at: '',
  note: '',
});

/** Quotes a field only when it must be (delimiter, quote, CR or LF inside). */
export const csvField = (value: string, delimiter = ','): string =>
  value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export const orderLine = (overrides: Partial<OrderFields> = {}, index = 1, delimiter = ','): string => {
  const fields = { ...validOrder(index), ...overrides };
  return ORDERS_COLUMNS.map((column) => csvField(fields[column], delimiter)).join(delimiter);
};

export const ordersHeader = (delimiter = ','): string => ORDERS_COLUMNS.join(delimiter);

/** A whole file: header plus one line per row, joined by `eol`, ending with one. */
export const ordersCsv = (rows: readonly Partial<OrderFields>[], { eol = '\n', delimiter = ',' } = {}): string =>
  [ordersHeader(delimiter), ...rows.map((row, i) => orderLine(row, i + 1, delimiter))].map((line) => line + eol).join('');

/** The NDJSON row `validOrder(index)` becomes. */
export const expectedOrder = (index = 1): Record<string, unknown> => ({
  orderId: `A-${index}`,
  customerId: 'C-1',
  orderDate: '2026-11-02',
  status: 'paid',
  sku: 'SKU-1',
  quantity: 2,
  unitPrice: 12.5,
  currency: 'EUR',
  shippedAt: null,
  note: null,
});
