import { redirect } from "next/navigation";
import { requireScope } from "@/lib/auth/session";
import { homePath } from "@/lib/data/rooms";

export default async function Home() {
  redirect(await homePath((await requireScope()).scope));
}
