/**
 * The SPEC's auto-answer headers on a leg the controller creates (`PJSIP_HEADER(add,…)` channel variables):
 * `Call-Info: <uri>;answer-after=0`, `Alert-Info: <uri>;info=alert-autoanswer` at create, and a second `Alert-Info:
 * auto answer` set before the dial (a variables map holds one value per name; each `PJSIP_HEADER(add,X)` write adds one
 * more X header). The webphone honours the same (webphone/src/phone/auto-answer.ts). Shared: paging rings its
 * members the same way.
 */
export const AUTO_ANSWER = {
  create: {
    'PJSIP_HEADER(add,Call-Info)': '<sip:pbx>;answer-after=0',
    'PJSIP_HEADER(add,Alert-Info)': '<http://127.0.0.1>;info=alert-autoanswer',
  } as Record<string, string>,
  beforeDial: [['PJSIP_HEADER(add,Alert-Info)', 'auto answer']] as [string, string][],
};
