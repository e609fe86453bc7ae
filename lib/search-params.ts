/** The first value of a URL search parameter. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Search parameters as the URLSearchParams they came from, repeated values kept. */
export function toUrlSearchParams(params: Awaited<SearchParams>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(key, v);
  return out;
}
