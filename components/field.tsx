import type { ReactNode, SelectHTMLAttributes } from "react";

/** What a field gives its control: its id and name, and its state for assistive technology. */
type ControlProps = { id: string; name: string; "aria-invalid": boolean; "aria-describedby": string };

/** A text input or select of a form: red while refused. */
export const inputClass = (invalid: boolean) =>
  `mt-1 block w-full rounded border px-2 py-1.5 text-sm focus:outline-none focus:ring-2 ${invalid ? "border-red-500 focus:ring-red-300" : "border-slate-300 focus:border-brand-500 focus:ring-brand-500/30"}`;

/** A field's messages, in a live region that is always there, so a message that appears is read out. */
export function FieldErrors({ id, messages }: { id: string; messages?: string[] }) {
  return (
    <div id={id} aria-live="polite">
      {messages?.map((m) => (
        <p key={m} className="mt-1 text-sm font-medium text-red-700" data-testid="field-error">
          {m}
        </p>
      ))}
    </div>
  );
}

type FieldProps = {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  className?: string;
  labelClassName?: string;
  /** The control, given its id, name, aria-invalid and aria-describedby (the hint and the errors). */
  children: (control: ControlProps) => ReactNode;
};

/**
 * A form field: its label, then its body — the control, a hint, and its errors. The body is one
 * element, so a compact form can set the label beside it.
 */
export function Field({ id, name, label, hint, errors, className, labelClassName = "block text-sm font-medium text-slate-700", children }: FieldProps) {
  const control: ControlProps = { id, name, "aria-invalid": Boolean(errors?.length), "aria-describedby": hint ? `${id}-hint ${id}-errors` : `${id}-errors` };
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClassName}>
        {label}
      </label>
      <div>
        {children(control)}
        {hint && (
          <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
            {hint}
          </p>
        )}
        <FieldErrors id={`${id}-errors`} messages={errors} />
      </div>
    </div>
  );
}

/** A select field: its options are [value, label]; the rest goes to the select (value, onChange…). */
export function SelectField({ id, name, errors, label, options, ...select }: Pick<FieldProps, "id" | "name" | "errors" | "label"> & { options: [string, string][] } & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name">) {
  return (
    <Field id={id} name={name} errors={errors} label={label}>
      {(control) => (
        <select {...select} {...control} className={inputClass(control["aria-invalid"])}>
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
