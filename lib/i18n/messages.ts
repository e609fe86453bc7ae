/** Every label of the UI in English and French; French must have every key English has. */
const en = {
  productName: "Online Account Information",
  provider: "MeetingOne",
  language: "Language",
  logOut: "Log out",
  loggedInAs: "Logged in as",
  login: {
    title: "Log in to your account",
    intro: "Use your account number to see every room of the account, or your room number to see your own room.",
    username: "Username",
    usernameHint: "The e-mail address you gave to customer service",
    password: "Password",
    number: "Account or room number",
    submit: "Log in",
    submitting: "Logging in…",
    invalid: "Invalid credentials",
    locked: "Too many failed attempts. For your security, logging in is paused: try again in {minutes} min.",
    error: "Logging in failed. Please try again.",
  },
  summary: {
    title: "Account summary",
    accountNumber: "Account Number",
    companyName: "Company Name",
    billingPeriod: "Billing period",
    roomDisplay: "Room display",
    activeRooms: "Active rooms",
    allRooms: "All rooms",
    show: "Show",
    invoiced: "Invoiced",
    notInvoiced: "Not invoiced",
    roomNumber: "Room Number",
    cardholder: "Cardholder",
    autoBillingCode: "Auto Billing Code",
    accumulatedTime: "Accumulated Time",
    charge: "Charge",
    total: "Total",
    noActiveRooms: "No room has usage in this billing period.",
    showAllRooms: "Show all rooms",
    periodUnavailable: "This billing period is not available. The portal shows the current month and the three before it.",
    currentPeriod: "Go to the current month",
  },
  room: {
    title: "Conference list",
    billingPeriod: "Billing period",
  },
  goToTop: "Go to top",
  support: "For assistance please call {phone}",
  notFound: {
    title: "Page not found",
    text: "This page does not exist, or it is not part of what you can see.",
    back: "Back to my summary",
  },
};

export type Messages = typeof en;

const fr: Messages = {
  productName: "Online Account Information",
  provider: "MeetingOne",
  language: "Langue",
  logOut: "Se déconnecter",
  loggedInAs: "Connecté en tant que",
  login: {
    title: "Connexion à votre compte",
    intro: "Utilisez votre numéro de compte pour voir toutes les salles du compte, ou votre numéro de salle pour voir votre salle.",
    username: "Nom d'utilisateur",
    usernameHint: "L'adresse e-mail communiquée au Service Client",
    password: "Mot de passe",
    number: "Numéro de compte ou de salle",
    submit: "Se connecter",
    submitting: "Connexion…",
    invalid: "Identifiants invalides",
    locked: "Trop de tentatives échouées. Par sécurité, la connexion est suspendue : réessayez dans {minutes} min.",
    error: "La connexion a échoué. Veuillez réessayer.",
  },
  summary: {
    title: "Résumé du compte",
    accountNumber: "Numéro de compte",
    companyName: "Société",
    billingPeriod: "Période de facturation",
    roomDisplay: "Affichage des salles",
    activeRooms: "Salles actives",
    allRooms: "Toutes les salles",
    show: "Afficher",
    invoiced: "Facturé",
    notInvoiced: "Non facturé",
    roomNumber: "Numéro de salle",
    cardholder: "Titulaire",
    autoBillingCode: "Code de facturation auto",
    accumulatedTime: "Temps cumulé",
    charge: "Coût",
    total: "Total",
    noActiveRooms: "Aucune salle n'a consommé pendant cette période de facturation.",
    showAllRooms: "Afficher toutes les salles",
    periodUnavailable: "Cette période de facturation n'est pas disponible. Le portail présente le mois en cours et les trois précédents.",
    currentPeriod: "Aller au mois en cours",
  },
  room: {
    title: "Liste des conférences",
    billingPeriod: "Période de facturation",
  },
  goToTop: "Haut de page",
  support: "Pour toute assistance, appelez le {phone}",
  notFound: {
    title: "Page introuvable",
    text: "Cette page n'existe pas, ou elle ne fait pas partie de ce que vous pouvez consulter.",
    back: "Retour à mon résumé",
  },
};

export const locales = ["en", "fr"] as const;
export type Locale = (typeof locales)[number];
export const messages: Record<Locale, Messages> = { en, fr };

/** Fills "{name}" placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
}
