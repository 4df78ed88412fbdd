// A test-only SchemaInfo shaped like the nl2sql sample database (what `introspect` returns for
// it), so prompt, retrieval and offline-translator unit tests run without a database.
import type { SchemaInfo, TableInfo } from '../../sql/introspect/types.js';

const col = (name: string, type: string, samples?: string[]) => ({
  name,
  type,
  nullable: false,
  ...(samples === undefined ? {} : { samples }),
});
const fk = (column: string, refTable: string) => ({
  columns: [column],
  refTable,
  refColumns: ['id'],
});
const table = (
  name: string,
  columns: TableInfo['columns'],
  foreignKeys: TableInfo['foreignKeys'] = [],
): TableInfo => ({
  name,
  schema: 'main',
  kind: 'table',
  columns,
  primaryKey: ['id'],
  foreignKeys,
});

/** The sample sales schema. */
export function salesSchema(): SchemaInfo {
  return {
    dialect: 'sqlite',
    schema: 'main',
    tables: [
      table('customers', [col('id', 'integer'), col('name', 'varchar(80)', ['Alder Labs', 'Summit Labs']), col('region_id', 'integer'), col('segment', 'varchar(40)', ['Consumer', 'Enterprise', 'Small Business'])], [fk('region_id', 'regions')]),
      table('order_lines', [col('id', 'integer'), col('order_id', 'integer'), col('product_id', 'integer'), col('quantity', 'integer'), col('unit_price', 'float'), col('discount', 'float')], [fk('order_id', 'orders'), fk('product_id', 'products')]),
      table('orders', [col('id', 'integer'), col('customer_id', 'integer'), col('order_date', 'date'), col('status', 'varchar(20)', ['cancelled', 'completed', 'returned', 'shipped'])], [fk('customer_id', 'customers')]),
      table('products', [col('id', 'integer'), col('name', 'varchar(80)', ['Standing Desk', 'Webcam HD']), col('category', 'varchar(40)', ['Electronics', 'Furniture', 'Office Supplies']), col('unit_price', 'float')]),
      table('regions', [col('id', 'integer'), col('name', 'varchar(40)', ['East', 'North', 'South'])]),
      table('audit_log', [col('id', 'integer'), col('message', 'text', ['login'])]),
    ],
  }; // prettier-ignore
}
