/**
 * The SPEC's auto-answer headers, as the channel variables that make chan_pjsip send them on a leg the controller
 * creates: `Call-Info: <sip:domain>;answer-after=0` and `Alert-Info: <http://domain>;info=alert-autoanswer` in the
 * create body, and a second `Alert-Info: Auto Answer` set before the dial (a variables map holds one value per name;
 * each `PJSIP_HEADER(add,X)` write adds one more X header). Every feature that rings a phone to answer by itself
 * (paging, intercom, supervision) takes them from here; the webphone honours the same
 * (webphone/src/phone/auto-answer.ts). Nothing a caller sends is copied onto a created leg, so these are the only
 * auto-answer headers a phone ever gets from the PBX.
 */
export interface AutoAnswerHeaders {
  create: Record<string, string>;
  beforeDial: [string, string][];
}

export function autoAnswerHeaders(sipDomain: string): AutoAnswerHeaders {
  return {
    create: {
      'PJSIP_HEADER(add,Call-Info)': `<sip:${sipDomain}>;answer-after=0`,
      'PJSIP_HEADER(add,Alert-Info)': `<http://${sipDomain}>;info=alert-autoanswer`,
    },
    beforeDial: [['PJSIP_HEADER(add,Alert-Info)', 'Auto Answer']],
  };
}
