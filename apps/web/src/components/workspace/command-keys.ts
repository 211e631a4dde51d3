/** What a Run button sends: the block's lines, each ended by Enter, as a keyboard would. */
export function commandKeys(text: string): string {
  const body = text.replace(/\n+$/, '');
  return body ? `${body.replace(/\n/g, '\r')}\r` : '';
}
