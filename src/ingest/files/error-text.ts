/** The message of a caught error, for a problem record. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
