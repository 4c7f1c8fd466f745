import type { Api } from '../../plugins/web/api.ts';

export type Communes = { code: string; fullName: string }[];

/**
 * The 102 communes of Đồng Tháp for a picker, sorted the Vietnamese way, read once per app:
 * reference data changes with a release, not a request. Shared by the sellers' product form and
 * the counter's onboarding.
 */
export function communeLoader(): (api: Api) => Promise<Communes> {
  let communes: Communes | null = null;
  return async (api) => {
    if (communes) return communes;
    const res = await api.get<{ items: Communes }>('/v1/communes', { limit: 200 });
    if (res.ok) communes = res.data.items.map((c) => ({ code: c.code, fullName: c.fullName })).sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
    return communes ?? [];
  };
}
