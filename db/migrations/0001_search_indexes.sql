-- Diacritic-insensitive search (xoai -> Xoài, dong thap -> Đồng Tháp).
-- unaccent() is only STABLE because its dictionary could change, so an index needs an
-- IMMUTABLE wrapper that names the dictionary explicitly.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION f_search_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS products_name_search_idx ON products USING gin (f_search_text(name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS communes_name_search_idx ON communes USING gin (f_search_text(full_name || ' ' || alt_spelling) gin_trgm_ops);
