// The sample sales data of the nl2sql example, generated in memory from a seed: regions,
// customers (region, segment), products (category, list price), orders (customer, date, status)
// and order lines (product, quantity, price paid, discount) over the two years that end on a
// fixed anchor date. Pure and deterministic (a seeded mulberry32, never Math.random), so the
// same seed and anchor give byte-identical data and the questions' expected answers are stable.
import { createHash } from 'node:crypto';

/** The default last day of the data: "last quarter" is 2026-Q2, "this year" is 2026. */
export const DEFAULT_ANCHOR_DATE = '2026-09-30';
/** The default PRNG seed. */
export const DEFAULT_SEED = 42;
/** Default number of orders. */
export const DEFAULT_ORDERS = 3000;
/** Default number of customers. */
export const DEFAULT_CUSTOMERS = 240;

export interface SalesDataOptions {
  /** PRNG seed. Default 42. */
  seed?: number;
  /** Last day of the data, `YYYY-MM-DD`; orders cover the two years ending on it. Default 2026-09-30. */
  anchorDate?: string;
  /** Number of orders. Default 3000. */
  orders?: number;
  /** Number of customers (at most 400). Default 240. */
  customers?: number;
}

export interface Region {
  id: number;
  name: string;
}
export interface Customer {
  id: number;
  name: string;
  region_id: number;
  segment: string;
}
export interface Product {
  id: number;
  name: string;
  category: string;
  unit_price: number;
}
export interface Order {
  id: number;
  customer_id: number;
  order_date: string;
  status: string;
}
export interface OrderLine {
  id: number;
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price: number;
  discount: number;
}

/** Every table's rows, in id order; table order is parent before child. */
export interface SalesData {
  regions: Region[];
  customers: Customer[];
  products: Product[];
  orders: Order[];
  order_lines: OrderLine[];
}

/** Tables in creation (parent-first) order. */
export const SALES_TABLES = ['regions', 'customers', 'products', 'orders', 'order_lines'] as const;
export type SalesTable = (typeof SALES_TABLES)[number];

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const SEGMENTS: readonly [string, number][] = [
  ['Consumer', 0.5],
  ['Small Business', 0.32],
  ['Enterprise', 0.18],
];
const STATUSES: readonly [string, number][] = [
  ['completed', 0.82],
  ['shipped', 0.08],
  ['cancelled', 0.06],
  ['returned', 0.04],
];
const DISCOUNTS: readonly [number, number][] = [
  [0, 0.65],
  [0.05, 0.18],
  [0.1, 0.12],
  [0.15, 0.05],
];
const NAME_HEADS = [
  'Alder', 'Birch', 'Cobalt', 'Dover', 'Ember', 'Fable', 'Granite', 'Harbor', 'Iris', 'Juniper',
  'Kestrel', 'Linden', 'Maple', 'Nimbus', 'Onyx', 'Pioneer', 'Quartz', 'Rowan', 'Summit', 'Tundra',
]; // prettier-ignore
const NAME_TAILS = [
  'Traders', 'Foods', 'Labs', 'Partners', 'Supply', 'Studio', 'Logistics', 'Health', 'Media',
  'Builders', 'Outfitters', 'Consulting', 'Bakery', 'Motors', 'Digital', 'Pharma', 'Textiles',
  'Energy', 'Analytics', 'Garden',
]; // prettier-ignore
const CATALOG: readonly [string, readonly [string, number][]][] = [
  ['Electronics', [['Laptop Pro 14', 1299], ['Laptop Air 13', 999], ['4K Monitor', 389], ['USB-C Dock', 179], ['Noise Cancelling Headphones', 249], ['Tablet 11', 549]]],
  ['Furniture', [['Standing Desk', 649], ['Ergonomic Chair', 429], ['Bookshelf', 159], ['Filing Cabinet', 219], ['Meeting Table', 899]]],
  ['Office Supplies', [['Copy Paper Box', 39.99], ['Gel Pens 12-Pack', 8.49], ['Sticky Notes', 5.99], ['Stapler', 14.5], ['Whiteboard Markers', 11.25], ['Notebook A4', 4.75]]],
  ['Software', [['Antivirus License', 59], ['Office Suite License', 149], ['Design Suite License', 599], ['Backup Service Plan', 99]]],
  ['Accessories', [['Wireless Mouse', 29.99], ['Mechanical Keyboard', 119], ['Webcam HD', 79], ['Laptop Sleeve', 24.5], ['HDMI Cable', 12.99]]],
]; // prettier-ignore

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, weighted: readonly (readonly [T, number])[]): T {
  let r = rand();
  for (const [value, weight] of weighted) {
    if (r < weight) return value;
    r -= weight;
  }
  return weighted[weighted.length - 1]![0];
}

function int(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

const DAY_MS = 86_400_000;

/** Parse `YYYY-MM-DD` strictly (as a UTC day); throws a RangeError naming the field otherwise. */
export function parseDay(value: string, field = 'anchorDate'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value)
    throw new RangeError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return t;
}

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

const cents = (x: number): number => Math.round(x * 100) / 100;

/** Generate the whole data set. Same options → identical data. */
export function generateSalesData(options: SalesDataOptions = {}): SalesData {
  const seed = options.seed ?? DEFAULT_SEED;
  const anchor = parseDay(options.anchorDate ?? DEFAULT_ANCHOR_DATE);
  const orderCount = options.orders ?? DEFAULT_ORDERS;
  const customerCount = options.customers ?? DEFAULT_CUSTOMERS;
  if (!Number.isInteger(orderCount) || orderCount < 1)
    throw new RangeError(`orders must be an integer >= 1, got ${orderCount}`);
  const maxCustomers = NAME_HEADS.length * NAME_TAILS.length;
  if (!Number.isInteger(customerCount) || customerCount < 1 || customerCount > maxCustomers)
    throw new RangeError(
      `customers must be an integer in 1..${maxCustomers}, got ${customerCount}`,
    );
  const rand = mulberry32(seed);

  const regions = REGIONS.map((name, i) => ({ id: i + 1, name }));
  const names = NAME_HEADS.flatMap((h) => NAME_TAILS.map((t) => `${h} ${t}`));
  for (let i = names.length - 1; i > 0; i--) {
    const j = int(rand, 0, i);
    [names[i], names[j]] = [names[j]!, names[i]!];
  }
  const regionWeights = regions.map((r, i): [number, number] => [
    r.id,
    [0.26, 0.22, 0.2, 0.18, 0.14][i]!,
  ]);
  const customers = names.slice(0, customerCount).map((name, i) => ({
    id: i + 1,
    name,
    region_id: pick(rand, regionWeights),
    segment: pick(rand, SEGMENTS),
  }));
  const products: Product[] = [];
  for (const [category, items] of CATALOG)
    for (const [name, price] of items)
      products.push({ id: products.length + 1, name, category, unit_price: price });

  // Two years ending on the anchor, inclusive; later days are a little busier (growth).
  const first = anchor - 2 * 365 * DAY_MS + DAY_MS;
  const span = (anchor - first) / DAY_MS + 1;
  const priceRise = anchor - 365 * DAY_MS;
  const orderDays: number[] = [];
  for (let i = 0; i < orderCount; i++) {
    const u = Math.sqrt(0.35 + 0.65 * rand()) - Math.sqrt(0.35);
    orderDays.push(
      first + Math.min(span - 1, Math.floor((u / (1 - Math.sqrt(0.35))) * span)) * DAY_MS,
    );
  }
  orderDays.sort((a, b) => a - b);
  const orders: Order[] = [];
  const lines: OrderLine[] = [];
  orderDays.forEach((t, i) => {
    const order = {
      id: i + 1,
      customer_id: int(rand, 1, customerCount),
      order_date: day(t),
      status: pick(rand, STATUSES),
    };
    orders.push(order);
    const used = new Set<number>();
    const lineCount = pick(rand, [[1, 0.35], [2, 0.3], [3, 0.2], [4, 0.15]] as const); // prettier-ignore
    while (used.size < lineCount) {
      const product = products[int(rand, 0, products.length - 1)]!;
      if (used.has(product.id)) continue;
      used.add(product.id);
      const cheap = product.unit_price < 50;
      lines.push({
        id: lines.length + 1,
        order_id: order.id,
        product_id: product.id,
        quantity: cheap ? int(rand, 1, 20) : int(rand, 1, 4),
        // Prices rose 5% for the last year of orders: line prices differ from list prices.
        unit_price: t > priceRise ? cents(product.unit_price * 1.05) : product.unit_price,
        discount: pick(rand, DISCOUNTS),
      });
    }
  });
  return { regions, customers, products, orders, order_lines: lines };
}

/** Normalize a value read back from a database: numeric strings → numbers, Dates → `YYYY-MM-DD`. */
export function normalizeValue(value: unknown): unknown {
  if (value instanceof Date) {
    const pad = (n: number): string => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** sha256 over every table's rows (normalized values, keys sorted), in table and id order. */
export function salesChecksum(tables: Readonly<Record<SalesTable, readonly object[]>>): string {
  const hash = createHash('sha256');
  for (const table of SALES_TABLES) {
    hash.update(`${table}\n`);
    for (const row of tables[table]) {
      const entries = Object.entries(row)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, normalizeValue(v)]);
      hash.update(`${JSON.stringify(entries)}\n`);
    }
  }
  return hash.digest('hex');
}
