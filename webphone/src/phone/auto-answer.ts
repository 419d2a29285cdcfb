/**
 * Auto-answer requests in an incoming INVITE, as paging and intercom send them to desk phones:
 * `Call-Info: <uri>;answer-after=0`, `Alert-Info: auto answer` / `<uri>;info=alert-autoanswer`,
 * and RFC 5373's `Answer-Mode: Auto`.
 */
export interface InviteHeaders {
  callInfo: readonly string[];
  alertInfo: readonly string[];
  answerMode: readonly string[];
}

/** Seconds to wait before answering (0 = at once), or null when the INVITE asks for no auto-answer. */
export function autoAnswerDelay(headers: InviteHeaders): number | null {
  for (const value of headers.callInfo) {
    const match = /;\s*answer-after\s*=\s*"?(\d+)/i.exec(value);
    if (match) return Math.min(Number(match[1]), 60);
  }
  if (headers.alertInfo.some(isAutoAnswerAlert)) return 0;
  if (headers.answerMode.some((value) => /^\s*auto\b/i.test(value))) return 0;
  return null;
}

function isAutoAnswerAlert(value: string): boolean {
  const v = value.toLowerCase();
  return /auto[\s_-]?answer/.test(v) || /info\s*=\s*"?alert-autoanswer/.test(v);
}

/** The headers as a JsSIP incoming request exposes them (`getHeaders(name)`). */
export function inviteHeaders(request: { getHeaders(name: string): string[] }): InviteHeaders {
  // A header may carry several comma-separated values; a `,` inside <…> is part of a URI, not a separator.
  const split = (values: string[]) => values.flatMap((v) => v.split(/,(?![^<]*>)/)).map((v) => v.trim());
  return {
    callInfo: split(request.getHeaders('Call-Info')),
    alertInfo: split(request.getHeaders('Alert-Info')),
    answerMode: split(request.getHeaders('Answer-Mode')),
  };
}
