-- Marks the (Vietnam day, seller) cells of the sales rollup that an order change touches, so the
-- rollup (src/services/reports-rollup.ts) recomputes only those. Triggers rather than calls in the
-- order import: every writer of orders is covered, present and future. Appends only (no upsert), so
-- concurrent imports of one seller never wait on each other here.
CREATE FUNCTION sales_vn_day(epoch_seconds bigint) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN date '1970-01-01' + ((epoch_seconds + 25200) / 86400)::int;
--> statement-breakpoint
CREATE FUNCTION sales_mark_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO sales_dirty_cells (day, seller_id) VALUES (sales_vn_day(NEW.remote_create_time), NEW.seller_id);
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.remote_create_time, OLD.seller_id) IS DISTINCT FROM (NEW.remote_create_time, NEW.seller_id)) THEN
    INSERT INTO sales_dirty_cells (day, seller_id) VALUES (sales_vn_day(OLD.remote_create_time), OLD.seller_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_sales_insert AFTER INSERT OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION sales_mark_order();
--> statement-breakpoint
-- Only the columns a report reads: stock, cancel-request and hold bookkeeping do not dirty a cell.
CREATE TRIGGER orders_sales_update AFTER UPDATE ON orders FOR EACH ROW
  WHEN ((OLD.status, OLD.payment_method, OLD.post_office_code, OLD.remote_create_time, OLD.seller_id)
        IS DISTINCT FROM (NEW.status, NEW.payment_method, NEW.post_office_code, NEW.remote_create_time, NEW.seller_id))
  EXECUTE FUNCTION sales_mark_order();
--> statement-breakpoint
CREATE FUNCTION sales_mark_order_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sales_dirty_cells (day, seller_id)
    SELECT sales_vn_day(o.remote_create_time), o.seller_id FROM orders o
    WHERE o.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.order_id ELSE NEW.order_id END;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_lines_sales AFTER INSERT OR UPDATE OR DELETE ON order_lines FOR EACH ROW EXECUTE FUNCTION sales_mark_order_line();
--> statement-breakpoint
-- Category and certification reports use the product's current values: a change re-cuts its past sales.
CREATE FUNCTION sales_mark_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sales_dirty_cells (day, seller_id)
    SELECT DISTINCT sales_vn_day(o.remote_create_time), o.seller_id
    FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.product_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_sales AFTER UPDATE ON products FOR EACH ROW
  WHEN ((OLD.category, OLD.certifications) IS DISTINCT FROM (NEW.category, NEW.certifications))
  EXECUTE FUNCTION sales_mark_product();
--> statement-breakpoint
-- Orders imported before the rollup existed.
INSERT INTO sales_dirty_cells (day, seller_id) SELECT DISTINCT sales_vn_day(remote_create_time), seller_id FROM orders;
