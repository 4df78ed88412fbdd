// The offline translator's test set over the sample sales database (seed 42, anchor
// 2026-09-30): questions with hand-written SQL whose results the translator's SQL must equal,
// and questions it must answer with a clarifying question or an error instead of SQL. Shared by
// the SQLite (unit) and PostgreSQL (integration) tests. The hand-written SQL is deliberately
// written independently (aliases, joins, forms), not copied from the translator's output.

/** SQL that runs on both dialects, or one per dialect (date functions differ). */
export type HandSql = string | { sqlite: string; postgresql: string };

export interface AnswerCase {
  question: string;
  sql: HandSql;
}

export interface RefusalCase {
  question: string;
  kind: 'clarify' | 'error';
  /** A fragment the ask / reason must contain. */
  mentions: string;
}

const REV = 'SUM(l.quantity * l.unit_price * (1 - l.discount))';
const LINES = 'order_lines l JOIN orders o ON o.id = l.order_id';
const LINES_C = `${LINES} JOIN customers c ON c.id = o.customer_id`;
const LINES_R = `${LINES_C} JOIN regions r ON r.id = c.region_id`;
const LINES_P = 'order_lines l JOIN products p ON p.id = l.product_id';

const month = (col: string): HandSql => ({
  sqlite: `strftime('%Y-%m', ${col})`,
  postgresql: `to_char(${col}, 'YYYY-MM')`,
});

function per(f: (d: 'sqlite' | 'postgresql') => string): HandSql {
  return { sqlite: f('sqlite'), postgresql: f('postgresql') };
}

function dialectOf(h: HandSql, d: 'sqlite' | 'postgresql'): string {
  return typeof h === 'string' ? h : h[d];
}

/** The SQL of a case for one dialect. */
export function handSql(c: AnswerCase, dialect: 'sqlite' | 'postgresql'): string {
  return dialectOf(c.sql, dialect);
}

export const ANSWERS: AnswerCase[] = [
  {
    question: 'total sales by region last quarter',
    sql: `SELECT r.name, ROUND(${REV}, 2) AS rev FROM ${LINES_R}
          WHERE o.order_date BETWEEN '2026-04-01' AND '2026-06-30' GROUP BY r.name ORDER BY rev DESC`,
  },
  {
    question: 'Revenue by product category',
    sql: `SELECT p.category, ROUND(${REV}, 2) AS rev FROM ${LINES_P} GROUP BY p.category ORDER BY rev DESC`,
  },
  {
    question: 'total sales by region',
    sql: `SELECT r.name, ROUND(${REV}, 2) AS rev FROM ${LINES_R} GROUP BY r.name ORDER BY rev DESC`,
  },
  {
    question: 'revenue by segment in 2025',
    sql: `SELECT c.segment, ROUND(${REV}, 2) AS rev FROM ${LINES_C}
          WHERE o.order_date >= '2025-01-01' AND o.order_date <= '2025-12-31' GROUP BY c.segment ORDER BY rev DESC`,
  },
  {
    question: 'How many orders in the North region?',
    sql: `SELECT count(*) FROM orders o WHERE o.customer_id IN
          (SELECT c.id FROM customers c JOIN regions r ON r.id = c.region_id WHERE r.name = 'North')`,
  },
  {
    question: 'how many orders last month',
    sql: `SELECT count(*) FROM orders WHERE order_date >= '2026-08-01' AND order_date < '2026-09-01'`,
  },
  {
    question: 'number of customers by segment',
    sql: 'SELECT segment, count(*) AS n FROM customers GROUP BY segment ORDER BY n DESC, segment',
  },
  {
    question: 'how many customers are in the West region',
    sql: `SELECT count(*) FROM customers c JOIN regions r ON r.id = c.region_id WHERE r.name = 'West'`,
  },
  {
    question: 'top 5 customers by revenue',
    sql: `SELECT c.name, ROUND(${REV}, 2) AS rev FROM ${LINES_C} GROUP BY c.id, c.name ORDER BY rev DESC, c.name LIMIT 5`,
  },
  {
    question: 'top 3 products by units sold in 2025',
    sql: `SELECT p.name, SUM(l.quantity) AS q FROM order_lines l JOIN orders o ON o.id = l.order_id
          JOIN products p ON p.id = l.product_id WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
          GROUP BY p.id, p.name ORDER BY q DESC, p.name LIMIT 3`,
  },
  {
    question: 'bottom 3 regions by revenue this year',
    sql: `SELECT r.name, ROUND(${REV}, 2) AS rev FROM ${LINES_R}
          WHERE o.order_date >= '2026-01-01' GROUP BY r.name ORDER BY rev ASC, r.name LIMIT 3`,
  },
  {
    question: 'average order value by segment',
    sql: `SELECT segment, ROUND(AVG(v), 2) AS aov FROM (
            SELECT c.segment, o.id, ${REV} AS v FROM ${LINES_C} GROUP BY c.segment, o.id) t
          GROUP BY segment ORDER BY aov DESC`,
  },
  {
    question: 'average order value',
    sql: `SELECT ROUND(AVG(v), 2) FROM (SELECT l.order_id, ${REV} AS v FROM order_lines l GROUP BY l.order_id) t`,
  },
  {
    question: 'average discount by category',
    sql: `SELECT p.category, ROUND(AVG(l.discount), 4) AS d FROM ${LINES_P} GROUP BY p.category ORDER BY d DESC, p.category`,
  },
  {
    question: 'total sales for category Electronics this year',
    sql: `SELECT ROUND(${REV}, 2) FROM ${LINES} JOIN products p ON p.id = l.product_id
          WHERE p.category = 'Electronics' AND o.order_date >= '2026-01-01'`,
  },
  {
    question: 'revenue in March 2026',
    sql: `SELECT ROUND(${REV}, 2) FROM ${LINES} WHERE o.order_date >= '2026-03-01' AND o.order_date <= '2026-03-31'`,
  },
  {
    question: 'revenue by month in 2025',
    sql: per(
      (d) => `SELECT ${dialectOf(month('o.order_date'), d)} AS m, ROUND(${REV}, 2) FROM ${LINES}
              WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01' GROUP BY m ORDER BY m`,
    ),
  },
  {
    question: 'how many orders per month in the last 6 months',
    sql: per(
      (d) => `SELECT ${dialectOf(month('order_date'), d)} AS m, count(*) FROM orders
              WHERE order_date >= '2026-04-01' GROUP BY m ORDER BY m`,
    ),
  },
  {
    question: 'quarterly revenue',
    sql: per((d) =>
      d === 'sqlite'
        ? `SELECT substr(o.order_date, 1, 4) || '-Q' || ((CAST(substr(o.order_date, 6, 2) AS INTEGER) - 1) / 3 + 1) AS q,
             ROUND(${REV}, 2) FROM ${LINES} GROUP BY q ORDER BY q`
        : `SELECT extract(year FROM o.order_date)::text || '-Q' || extract(quarter FROM o.order_date)::text AS q,
             ROUND(${REV}, 2) FROM ${LINES} GROUP BY q ORDER BY q`,
    ),
  },
  {
    question: 'revenue by year',
    sql: per(
      (
        d,
      ) => `SELECT ${d === 'sqlite' ? 'substr(o.order_date, 1, 4)' : "to_char(o.order_date, 'YYYY')"} AS y,
              ROUND(${REV}, 2) FROM ${LINES} GROUP BY y ORDER BY y`,
    ),
  },
  {
    question: 'units sold by category last quarter',
    sql: `SELECT p.category, SUM(l.quantity) AS q FROM ${LINES} JOIN products p ON p.id = l.product_id
          WHERE o.order_date >= '2026-04-01' AND o.order_date < '2026-07-01' GROUP BY p.category ORDER BY q DESC, p.category`,
  },
  {
    question: 'how many orders by status',
    sql: 'SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC, status',
  },
  {
    question: 'how many cancelled orders in 2025',
    sql: `SELECT count(*) FROM orders WHERE status = 'cancelled' AND order_date >= '2025-01-01' AND order_date < '2026-01-01'`,
  },
  {
    question: 'revenue by region for the Enterprise segment',
    sql: `SELECT r.name, ROUND(${REV}, 2) AS rev FROM ${LINES_R} WHERE c.segment = 'Enterprise' GROUP BY r.name ORDER BY rev DESC`,
  },
  {
    question: 'total revenue in the North and South regions by category',
    sql: `SELECT p.category, ROUND(${REV}, 2) AS rev FROM ${LINES_R} JOIN products p ON p.id = l.product_id
          WHERE r.name IN ('South', 'North') GROUP BY p.category ORDER BY rev DESC`,
  },
  {
    question: 'average revenue per customer by region',
    sql: `SELECT r.name, ROUND(${REV} * 1.0 / COUNT(DISTINCT c.id), 2) AS v FROM ${LINES_R} GROUP BY r.name ORDER BY v DESC`,
  },
  {
    question: 'how many orders for category Furniture',
    sql: `SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.id = l.product_id
          WHERE l.order_id = o.id AND p.category = 'Furniture')`,
  },
  {
    question: 'top 5 customers by number of orders',
    sql: `SELECT c.name, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id
          GROUP BY c.id, c.name ORDER BY n DESC, c.name LIMIT 5`,
  },
  {
    question: 'revenue by region and segment last year',
    sql: `SELECT r.name, c.segment, ROUND(${REV}, 2) AS rev FROM ${LINES_R}
          WHERE o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
          GROUP BY r.name, c.segment ORDER BY rev DESC, r.name, c.segment`,
  },
  {
    question: 'how many products per category',
    sql: 'SELECT category, count(*) AS n FROM products GROUP BY category ORDER BY n DESC, category',
  },
  {
    question: 'sales of Standing Desk by month in Q1 2026',
    sql: per(
      (d) => `SELECT ${dialectOf(month('o.order_date'), d)} AS m, ROUND(${REV}, 2) FROM ${LINES}
              JOIN products p ON p.id = l.product_id
              WHERE p.name = 'Standing Desk' AND o.order_date >= '2026-01-01' AND o.order_date < '2026-04-01'
              GROUP BY m ORDER BY m`,
    ),
  },
  {
    question: 'total revenue from Summit Labs',
    sql: `SELECT ROUND(${REV}, 2) FROM ${LINES_C} WHERE c.name = 'Summit Labs'`,
  },
  {
    question: 'average product unit price by category',
    sql: 'SELECT category, ROUND(AVG(unit_price), 2) AS a FROM products GROUP BY category ORDER BY a DESC, category',
  },
  {
    question: 'revenue by region in Q1 2026',
    sql: `SELECT r.name, ROUND(${REV}, 2) AS rev FROM ${LINES_R}
          WHERE o.order_date >= '2026-01-01' AND o.order_date < '2026-04-01' GROUP BY r.name ORDER BY rev DESC`,
  },
  {
    question: 'daily revenue over the last 7 days',
    sql: per(
      (
        d,
      ) => `SELECT ${d === 'sqlite' ? 'o.order_date' : "to_char(o.order_date, 'YYYY-MM-DD')"} AS day, ROUND(${REV}, 2)
              FROM ${LINES} WHERE o.order_date >= '2026-09-24' GROUP BY day ORDER BY day`,
    ),
  },
  {
    question: 'how many returned orders by region this quarter',
    sql: `SELECT r.name, count(*) AS n FROM orders o JOIN customers c ON c.id = o.customer_id
          JOIN regions r ON r.id = c.region_id WHERE o.status = 'returned' AND o.order_date >= '2026-07-01'
          GROUP BY r.name ORDER BY n DESC, r.name`,
  },
];

export const REFUSALS: RefusalCase[] = [
  { question: 'average price by category', kind: 'clarify', mentions: 'products.unit_price' },
  { question: 'total unit price by category', kind: 'clarify', mentions: 'averaged but not added' },
  { question: 'total sales by salesperson', kind: 'clarify', mentions: 'salesperson' },
  { question: 'revenue by name', kind: 'clarify', mentions: 'regions.name' },
  { question: 'top customers by revenue', kind: 'clarify', mentions: 'Top how many' },
  { question: 'top 5 customers', kind: 'clarify', mentions: 'What should I measure' },
  { question: 'average revenue by region', kind: 'clarify', mentions: 'per what' },
  { question: 'orders by month', kind: 'clarify', mentions: 'orders' },
  { question: 'how many', kind: 'clarify', mentions: 'How many of what' },
  { question: 'total sales in Atlantis', kind: 'clarify', mentions: 'atlantis' },
  { question: 'sales growth by region', kind: 'error', mentions: 'growth' },
  { question: 'delete all orders', kind: 'error', mentions: 'delete' },
  { question: 'median order value', kind: 'error', mentions: 'median' },
  {
    question: 'revenue last quarter compared to the quarter before',
    kind: 'error',
    mentions: 'compared',
  },
  { question: 'revenue and units sold by region', kind: 'error', mentions: 'one measure' },
  { question: 'revenue in 2025 and in 2026', kind: 'error', mentions: 'one time window' },
  { question: '   ', kind: 'error', mentions: 'empty' },
  { question: 'orders with revenue over 1000', kind: 'error', mentions: 'over' },
];
