/** The OpenAPI document's `info.description` (Markdown): what the operations below cannot say by themselves. */
export const apiDescription = `
The REST API of the ari-pbx controller. Send \`Authorization: Bearer <access token>\` from \`POST /api/auth/login\`
(renewed with \`POST /api/auth/refresh\`). Every answer is JSON; bodies must be \`application/json\`.

## Errors

Every error answer is the envelope \`{"error":{"code","message"}}\` (schema \`Error\`), with a stable kebab-case
\`code\` to program against; \`validation-failed\` adds \`details\`, one \`{path, message}\` per field. Beyond the
statuses each operation lists: a URL over 8 KiB is \`414 uri-too-long\`, a request line and headers over 16 KiB
\`431 headers-too-large\`, a body over 64 KiB \`400 validation-failed\`. While PostgreSQL is unreachable every
operation answers \`503 database-unavailable\`.

## WebSocket \`/api/events\`

Live events, one-way (the server ignores what a client sends).

- **Authentication**: browsers open \`/api/events?ticket=<ticket>\` with a one-time ticket from
  \`POST /api/events/ticket\` (valid 30 s, used once: a browser cannot set headers and a token in a URL ends up in
  logs); other clients may send \`Authorization: Bearer <access token>\` instead. Without a valid credential the
  socket is closed at once with code 4401. An open socket is checked again whenever its user changes or their
  sessions are revoked, and periodically: it follows the user's current role and team, and closes with 4401 when
  the account, session or token no longer stands or the credential expires.
- **Snapshot**: the first message is \`{"type":"snapshot","at":"<ISO-8601>","data":{…}}\`, the state the caller
  may see now: \`calls\` (as \`GET /api/calls\`) and \`parkSlots\` (as \`GET /api/parking/slots\`) when the controller
  is connected to Asterisk. Events that happen while it is being built follow it, in order.
- **Events**: then every event as \`{"type":"<dotted.type>","at":"<ISO-8601>","data":{…}}\`, e.g. \`call.ringing\`,
  \`call.answered\`, \`call.ended\`, \`call.parked\`, \`call.unparked\`, \`park.timeout\`, \`park.abandoned\`,
  \`user.created\` / \`user.updated\` / \`user.deleted\`, \`device.created\` / \`device.updated\` /
  \`device.deleted\`; \`at\` is when the controller saw it happen. Each client gets only the events the REST API
  would show it (the same role and team rules).

## Outside \`/api\`

- \`GET /healthz\`: liveness; \`200 {"status":"ok"}\` while the process serves HTTP. No authentication.
- \`GET /readyz\`: readiness; \`200 {"status":"ready","checks":{"postgres":"up","redis":"up","ari":"up"}}\`, or
  \`503\` with \`"status":"not-ready"\` and the dependency that is \`down\` (each check has 2 s). No authentication.
- \`GET /metrics\`: Prometheus text format (HTTP requests by route and status, latencies, WebSocket clients, Node.js
  runtime). With the setting \`METRICS_TOKEN\` it needs \`Authorization: Bearer <METRICS_TOKEN>\` (else 401);
  without it, it answers only clients connecting from this host's loopback address (else 403).
`.trim();
