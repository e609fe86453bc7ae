/** The first value of a URL search parameter. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
