import { html, innerHtml, type SafeHtml } from "@/lib/html";

/**
 * "Unallocated" in an invoiced month: plain text, nothing to click, with the reason shown on hover
 * and on keyboard focus (a tooltip the element is described by). `id` makes the tooltip's id
 * unique on the page. As a string for the tables written as HTML, and as a component.
 */
export function lockedUnallocatedHtml(label: string, reason: string, id: string): SafeHtml {
  return html`<span class="locked-unallocated" tabindex="0" aria-describedby="${`locked-${id}`}" data-testid="locked-unallocated">${label}<span role="tooltip" id="${`locked-${id}`}" class="locked-tip">${reason}</span></span>`;
}

export function LockedUnallocated({ label, reason, id }: { label: string; reason: string; id: string }) {
  return <span className="contents" dangerouslySetInnerHTML={innerHtml(lockedUnallocatedHtml(label, reason, id))} />;
}
