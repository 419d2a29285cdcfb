/**
 * The name of a user's mailbox in Asterisk (res_mwi_external through ARI `/mailboxes/{name}`, and the `mailboxes`
 * option of the user's endpoints, which makes res_pjsip_mwi send their phones unsolicited message-summary NOTIFYs):
 * `<extension>@ari-pbx`, Asterisk's `mailbox@context` form with a context of our own.
 */
export const MAILBOX_CONTEXT = 'ari-pbx';
export const mailboxNameOf = (extension: string) => `${extension}@${MAILBOX_CONTEXT}`;

/** Asterisk's name of a recording (`<name>.wav` in its recording directory, `recording:<name>` to play it). */
export const messageRecordingName = (messageId: string) => `vm-${messageId}`;
export const greetingRecordingName = (userId: string, stamp: string) => `vm-greeting-${userId}-${stamp}`;
