export * from "./accounts";
export * from "./usage";
export * from "./billing";
export * from "./security";
export * from "./schedules";
export * from "./reports";
export * from "./budgets";
