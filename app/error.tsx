"use client";

// Shown when a page fails for a reason that is not the user's input; the details stay in the server log.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const fr = typeof document !== "undefined" && document.documentElement.lang === "fr";
  return (
    <main className="mx-auto max-w-xl px-6 py-20 text-center">
      <h1 className="text-2xl font-semibold text-brand-900">{fr ? "Une erreur est survenue" : "Something went wrong"}</h1>
      <p className="mt-2 text-slate-600">
        {fr ? "La page n'a pas pu être affichée. Veuillez réessayer dans un instant." : "The page could not be shown. Please try again in a moment."}
      </p>
      <button onClick={reset} className="mt-6 rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-900">
        {fr ? "Réessayer" : "Try again"}
      </button>
    </main>
  );
}
