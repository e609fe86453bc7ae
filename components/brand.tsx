type Props = { provider: string; product: string };

export function Brand({ provider, product }: Props) {
  return (
    <div className="flex items-baseline gap-3">
      <span className="text-2xl font-bold tracking-tight text-white">
        Meeting<span className="text-sky-300">One</span>
      </span>
      <span className="hidden text-sm text-white/80 sm:inline">{product}</span>
      <span className="sr-only">{provider}</span>
    </div>
  );
}
