import { z } from "zod";

/** First message per field, the shape inline form errors need. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const flat = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  return Object.fromEntries(Object.entries(flat).flatMap(([k, v]) => (v?.[0] ? [[k, v[0]]] : [])));
}

export function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
}
