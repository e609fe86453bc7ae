import type { Locale } from "@/lib/i18n/messages";

type Props = { locale: Locale; label: string; action: (formData: FormData) => Promise<void> };

const names: Record<Locale, string> = { en: "English", fr: "Français" };

/** EN | FR buttons; a plain form, so it works before any script has loaded. */
export function LanguageSwitcher({ locale, label, action }: Props) {
  return (
    <form action={action} className="flex items-center gap-1 text-sm" aria-label={label}>
      {(Object.keys(names) as Locale[]).map((lang) => (
        <button
          key={lang}
          name="lang"
          value={lang}
          lang={lang}
          title={names[lang]}
          aria-pressed={lang === locale}
          className={`rounded px-2 py-0.5 font-semibold uppercase ${lang === locale ? "bg-white/20 text-white" : "text-white/70 hover:text-white hover:underline"}`}
        >
          {lang}
        </button>
      ))}
    </form>
  );
}
