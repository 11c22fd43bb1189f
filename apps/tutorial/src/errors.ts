/** The message of anything thrown (errors from Node's own modules fail `instanceof Error` under Jest's VM realms). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr;
  const text = typeof message === 'string' ? message : String(error);
  return typeof stderr === 'string' && stderr.trim() !== '' && !text.includes(stderr.trim()) ? `${text} (${stderr.trim()})` : text;
}
