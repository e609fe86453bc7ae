import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { PublicPage } from "@/components/public-page";
import { signedInHome } from "@/lib/auth/session";
import { getMessages } from "@/lib/i18n/locale";

export default async function LoginPage() {
  const home = await signedInHome();
  if (home) redirect(home);
  const { locale, t } = await getMessages();
  return (
    <PublicPage locale={locale} t={t} width="md">
      <LoginForm labels={t.login} />
    </PublicPage>
  );
}
