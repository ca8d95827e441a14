/**
 * The sign-in URL as a QR code on the terminal, for a phone, where no browser can be opened.
 *
 * @module
 */

/**
 * Draws `text` as a QR code with Unicode half blocks (two modules a character). Loaded only on
 * the headless sign-in path.
 *
 * @param text what to encode (the pre-filled verification URL)
 * @returns the lines of the code, or `""` if it cannot be drawn
 */
export async function qrCode(text: string): Promise<string> {
  try {
    const { renderUnicodeCompact } = await import("uqr");
    return renderUnicodeCompact(text, { border: 1 });
  } catch {
    return "";
  }
}
