import "server-only";
import { getDb } from "@/db/client";
import type { AccountScope } from "@/lib/auth/scope";
import type { Messages } from "@/lib/i18n/messages";
import { checkReportFilters, reportFilterOptions, type FilterNames, type FilterOptions } from "@/lib/reports/filters";
import type { ReportQuery } from "@/lib/reports/query";

export { products } from "@/db/schema/accounts";

/** The cardholders, owners and groups the report builder offers: the account's own. */
export async function getReportFilterOptions(scope: AccountScope): Promise<FilterOptions> {
  return reportFilterOptions(await getDb(), scope.accountId);
}

/** The names of a report's filters; a ValidationError when one is not the account's. */
export async function getReportFilterNames(scope: AccountScope, query: ReportQuery, t: Messages): Promise<FilterNames> {
  return checkReportFilters(await getDb(), scope.accountId, query, t);
}
