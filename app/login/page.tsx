import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login-form";
import { PublicPage } from "@/components/public-page";
import { signedInHome } from "@/lib/auth/session";
import { getMessages } from "@/lib/i18n/locale";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.login.title]);

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
