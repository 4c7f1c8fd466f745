import type pg from 'pg';

/**
 * A year of orders shaped like the programme's: 20 sellers in 20 communes, 20 products each
 * (categories and certificates mixed), orders spread over 365 days with 1–3 lines, mostly sold,
 * some cancelled, returned or in progress, 80% through one of 60 post offices. Generated in SQL
 * (generate_series) so 200,000 orders load in seconds; the rollup triggers fire as in production.
 */
export async function seedReportOrders(pool: pg.Pool, orderCount: number, now: Date): Promise<void> {
  await pool.query(`
    CREATE TEMP TABLE bench_sellers AS
    SELECT (row_number() OVER (ORDER BY code)) - 1 AS n, gen_random_uuid() AS id, code, name
    FROM (SELECT code, name FROM communes ORDER BY code LIMIT 20) c`);
  await pool.query(`
    INSERT INTO sellers (id, kind, name, phone, ward_code, address)
    SELECT id, 'cooperative', 'HTX ' || name || ' ' || n, '02773' || lpad(n::text, 5, '0'), code, 'Ấp 1' FROM bench_sellers`);
  await pool.query(`
    CREATE TEMP TABLE bench_products AS
    SELECT s.id AS seller_id, s.code, k AS n, gen_random_uuid() AS id, 'BR-' || s.n || '-' || k AS sku,
           (ARRAY['Xoài cát','Quýt hồng','Hạt sen','Gạo ST25','Cá tra','Mứt sen','Hoa cúc','Trà tim sen'])[1 + k % 8] || ' ' || k AS name,
           (ARRAY['fruit','fruit','rice','seafood','processed','processed','flower','herbal'])[1 + k % 8] AS category,
           20000 + (k % 10) * 5000 AS price,
           CASE WHEN k % 5 = 0 THEN '[{"type":"OCOP_4_STAR","number":"O4","issuedAt":"2025-01-01","expiresAt":"2029-01-01"}]'
                WHEN k % 7 = 0 THEN '[{"type":"OCOP_3_STAR","number":"O3","issuedAt":"2025-01-01","expiresAt":"2029-01-01"},{"type":"VIETGAP","number":"V","issuedAt":"2025-01-01","expiresAt":"2029-01-01"}]'
                ELSE '[]' END::jsonb AS certs
    FROM bench_sellers s CROSS JOIN generate_series(0, 19) k`);
  await pool.query(`
    INSERT INTO products (id, seller_id, sku, name, category, unit, price_vnd, stock, weight_grams, origin_ward_code, certifications, status)
    SELECT id, seller_id, sku, name, category, 'kg', price, 1000, 1000, code, certs, 'active' FROM bench_products`);
  await pool.query(`
    INSERT INTO product_listings (product_id, seller_id, status, last_error_code, last_error_message, last_error_at)
    SELECT id, seller_id, CASE WHEN n % 17 = 3 THEN 'error' WHEN n % 13 = 5 THEN 'pending' ELSE 'listed' END,
           CASE WHEN n % 17 = 3 THEN 'INVALID_IMAGE' END, CASE WHEN n % 17 = 3 THEN 'Ảnh không hợp lệ' END, CASE WHEN n % 17 = 3 THEN now() END
    FROM bench_products`);

  // 100 weighted slots: 55 completed, 10 delivered, 5 picked_up, 10 cancelled, 3 returned, 5 shipped, 5 ready_to_ship, 4 processed, 3 unpaid.
  const slots = Object.entries({ completed: 55, delivered: 10, picked_up: 5, cancelled: 10, returned: 3, shipped: 5, ready_to_ship: 5, processed: 4, unpaid: 3 }).flatMap(([s, n]) =>
    Array<string>(n).fill(s),
  );
  const end = Math.floor(now.getTime() / 1000);
  const span = 365 * 86_400;
  await pool.query(
    `INSERT INTO orders (id, seller_id, shop_id, order_sn, status, remote_status, remote_update_time, remote_create_time, payment_method,
       cod_amount_vnd, shipping_fee_vnd, voucher_amount_vnd, total_amount_vnd, recipient_name, recipient_phone, recipient_address_line,
       recipient_ward_code_raw, fulfillment_mode, post_office_code)
     SELECT gen_random_uuid(), s.id, 'shop-' || s.n, 'BENCH' || g, st, upper(st), t, t, CASE WHEN g % 3 = 0 THEN 'VNPAY' ELSE 'COD' END,
       0, 20000, 0, 100000, 'Khách ' || g, '0912345678', 'Ấp 2', s.code,
       CASE WHEN g % 5 = 0 THEN 'HOME_DELIVERY' ELSE 'PICKUP_AT_POST_OFFICE' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'BC87' || lpad((s.n * 3 + g % 3)::text, 4, '0') END
     FROM generate_series(1, $1::int) g
     JOIN bench_sellers s ON s.n = g % 20
     CROSS JOIN LATERAL (SELECT ($2::text[])[1 + (g * 37) % 100] AS st, $3::bigint - ((g::bigint * 2654435761) % $4::bigint) AS t) x`,
    [orderCount, `{${slots.join(',')}}`, end, span],
  );
  await pool.query(`
    INSERT INTO order_lines (order_id, line_no, product_id, seller_sku, name, qty, unit_price_vnd)
    SELECT o.id, k, p.id, p.sku, p.name, 1 + (h + k) % 3, p.price
    FROM (SELECT id, seller_id, abs(hashtext(order_sn)) AS h FROM orders) o
    CROSS JOIN LATERAL generate_series(1, 1 + o.h % 3) k
    JOIN bench_products p ON p.seller_id = o.seller_id AND p.n = (o.h / 7 + k * 3) % 20`);
}
