import { serviceTypes, type ServiceType } from "@/db/schema";
import { html, innerHtml, type SafeHtml } from "@/lib/html";

/**
 * Each service type's colour (Okabe–Ito, told apart by the common colour-vision deficiencies) and
 * a white texture over it, so that the stack can be read without colour too: in print on a
 * black-and-white printer, or by someone who sees none of these hues.
 */
const look: Record<ServiceType, { colour: string; texture: "none" | "diagonal" | "dots" | "horizontal" | "cross" }> = {
  toll: { colour: "#0072B2", texture: "none" },
  "toll-free": { colour: "#E69F00", texture: "diagonal" },
  "dial-out": { colour: "#009E73", texture: "dots" },
  voip: { colour: "#CC79A7", texture: "horizontal" },
  "operator-assisted": { colour: "#D55E00", texture: "cross" },
};

/** A pattern's id: short, since every shape names it. */
const patternId = (prefix: string, type: ServiceType) => `${prefix}${serviceTypes.indexOf(type)}`;

/** The fill of a service type's shapes inside an SVG that holds `patternsHtml(prefix, …)`. */
export const fillOf = (prefix: string, type: ServiceType) => `url(#${patternId(prefix, type)})`;

/** One `<pattern>` per service type: its colour, its white texture; `size` in the SVG's units. */
export function patternsHtml(prefix: string, size: number, types: readonly ServiceType[]): SafeHtml {
  const s = size;
  const texture = (kind: (typeof look)[ServiceType]["texture"]) => {
    if (kind === "diagonal") return html`<path d="M0,${s} L${s},0 M${-s / 4},${s / 4} L${s / 4},${-s / 4} M${(3 * s) / 4},${(5 * s) / 4} L${(5 * s) / 4},${(3 * s) / 4}" stroke="white" stroke-width="${s / 5}"/>`;
    if (kind === "dots") return html`<circle cx="${s / 2}" cy="${s / 2}" r="${s / 5}" fill="white"/>`;
    if (kind === "horizontal") return html`<rect y="${s / 2 - s / 10}" width="${s}" height="${s / 5}" fill="white"/>`;
    if (kind === "cross") return html`<path d="M0,0 L${s},${s} M${s},0 L0,${s}" stroke="white" stroke-width="${s / 7}"/>`;
    return null;
  };
  return html`<defs>${types.map(
    (type) => html`<pattern id="${patternId(prefix, type)}" patternUnits="userSpaceOnUse" width="${s}" height="${s}"><rect width="${s}" height="${s}" fill="${look[type].colour}"/>${texture(look[type].texture)}</pattern>`,
  )}</defs>`;
}

/** The legend: the service types in stack order (from the bottom), each with its swatch; only those shown. */
export function ChartLegend({ title, labels, types, openNote }: { title: string; labels: Record<ServiceType, string>; types: readonly ServiceType[]; openNote?: string }) {
  return (
    <div className="mt-3 text-xs text-slate-700">
      <p className="sr-only">{title}</p>
      <ol className="flex flex-wrap gap-x-4 gap-y-1" aria-label={title}>
        {types.map((type) => (
          <li key={type} className="flex items-center gap-1.5">
            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" className="shrink-0">
              <g dangerouslySetInnerHTML={innerHtml(html`${patternsHtml(`legend-${type}`, 7, [type])}<rect width="14" height="14" fill="${fillOf(`legend-${type}`, type)}"/>`)} />
            </svg>
            {labels[type]}
          </li>
        ))}
      </ol>
      {openNote && (
        <p className="mt-1 flex items-start gap-1.5">
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" className="mt-0.5 shrink-0">
            <rect x="1" y="1" width="12" height="12" fill="none" stroke="#334155" strokeWidth="1.5" strokeDasharray="3 2" />
          </svg>
          {openNote}
        </p>
      )}
    </div>
  );
}
