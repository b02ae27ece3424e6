import type { MetaDescriptor } from "@remix-run/node";

interface RootData {
  vendor?: { name?: string };
}

/** `<title>` for a page: "Log in · Acme Analytics". */
export function pageTitle(matches: ReadonlyArray<{ id: string; data?: unknown }>, title: string): MetaDescriptor[] {
  const root = matches.find((m) => m.id === "root")?.data as RootData | undefined;
  return [{ title: `${title} · ${root?.vendor?.name ?? "Keyport"}` }];
}
