/** `compact`: the product name only on wide screens, leaving room for a navigation beside the brand. */
type Props = { provider: string; product: string; compact?: boolean };

export function Brand({ provider, product, compact }: Props) {
  return (
    <div className="flex items-baseline gap-3">
      <span className="text-2xl font-bold tracking-tight text-white">
        Meeting<span className="text-sky-300">One</span>
      </span>
      <span className={`hidden text-sm text-white/80 ${compact ? "2xl:inline" : "sm:inline"}`}>{product}</span>
      <span className="sr-only">{provider}</span>
    </div>
  );
}
