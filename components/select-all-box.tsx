"use client";

import { useId } from "react";

/**
 * "Select all N … matching these filters": sent as `all=on`, the server then takes every
 * conference the filter matches, on every page. The page's own boxes follow it (ticked and
 * locked) so what is shown is what will be assigned.
 */
export function SelectAllBox({ label, hint }: { label: string; hint: string }) {
  const id = useId();
  const follow = (box: HTMLInputElement) => {
    for (const line of box.form?.querySelectorAll<HTMLInputElement>("input[name=conference]") ?? []) {
      line.checked = box.checked;
      line.disabled = box.checked;
    }
  };
  return (
    <div className="no-print flex w-full items-start gap-2.5 rounded border border-brand-100 bg-brand-50 px-3 py-2 text-sm">
      <input type="checkbox" id={id} name="all" value="on" aria-describedby={`${id}-hint`} onChange={(e) => follow(e.currentTarget)} className="mt-0.5 h-4 w-4 shrink-0 accent-brand-700" data-testid="select-all" />
      <label htmlFor={id}>
        <span className="font-semibold text-brand-900">{label}</span>
        <span id={`${id}-hint`} className="block text-xs text-slate-600">
          {hint}
        </span>
      </label>
    </div>
  );
}
