import { principalOf, type Auth } from '../../http/auth.js';
import { byteRange, sendWav } from '../../http/audio-reply.js';
import type { Server } from '../../http/server.js';
import type { RecordingPolicies } from './recording-policy.service.js';
import type { RecordingControl } from './recording.service.js';
import { STOCK_ANNOUNCEMENT, audioAccessOf } from './recording.rules.js';
import {
  annotationBody,
  annotationListSchema,
  annotationSchema,
  callIdParams,
  policyBody,
  policySchema,
  recordingControlBody,
  recordingIdParams,
  recordingSchema,
  teamIdParams,
} from './recording.schemas.js';
import type { RecordingsRead } from './recordings-read.service.js';
import { publicRecording } from '../../db/recordings.repository.js';

const tags = ['recordings'];

/** Call recording's API: start/stop on a live call, team policies, the recordings, their audio and annotations. */
export function recordingRoutes(
  deps: { control?: RecordingControl; policies: RecordingPolicies; read: RecordingsRead },
  auth: Auth,
) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const managers = { onRequest: auth.allow('admin', 'supervisor') };
    const control = deps.control;
    if (control)
      app.post(
        '/calls/:id/recording',
        {
          ...anyone,
          schema: {
            tags,
            operationId: 'controlCallRecording',
            summary: "Start or stop recording a live call (a user on it, their team's supervisor, admins)",
            params: callIdParams,
            body: recordingControlBody,
            response: { 200: recordingSchema },
          },
        },
        async (request) =>
          publicRecording(
            await control.control(principalOf(request), request.params.id, request.body.action),
          ),
      );
    app.get(
      '/teams/:id/recording-policy',
      {
        ...managers,
        schema: {
          tags,
          operationId: 'getTeamRecordingPolicy',
          summary: "A team's recording policy",
          params: teamIdParams,
          response: { 200: policySchema },
        },
      },
      async (request) => deps.policies.get(principalOf(request), request.params.id),
    );
    app.put(
      '/teams/:id/recording-policy',
      {
        onRequest: auth.allow('admin'),
        schema: {
          tags,
          operationId: 'setTeamRecordingPolicy',
          summary: "Set a team's policy: record every routed call, after an announcement (admins)",
          params: teamIdParams,
          body: policyBody,
          response: { 200: policySchema },
        },
      },
      async (request) =>
        deps.policies.set(principalOf(request), request.params.id, {
          recordRoutedCalls: request.body.recordRoutedCalls,
          announcement: request.body.announcement ?? [...STOCK_ANNOUNCEMENT],
        }),
    );
    app.get(
      '/recordings/:id',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'A call recording (who may read the call log)',
          params: recordingIdParams,
          response: { 200: recordingSchema },
        },
      },
      async (request) => deps.read.get(principalOf(request), request.params.id),
    );
    app.get(
      '/recordings/:id/audio',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'getRecordingAudio',
          summary:
            "A recording's audio (audio/wav, every saved segment in order; Range requests answer 206; audited)",
          params: recordingIdParams,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const file = await deps.read.audio(principal, request.params.id);
        const range = byteRange(request.headers.range, file.size);
        const how = range === 'unsatisfiable' ? undefined : audioAccessOf(range);
        if (how) await deps.read.audited(principal, file.recording, how);
        return sendWav(reply, request.headers.range, file).reply;
      },
    );
    app.get(
      '/recordings/:id/annotations',
      {
        ...anyone,
        schema: {
          tags,
          summary: "A recording's annotations, in the order of the audio",
          params: recordingIdParams,
          response: { 200: annotationListSchema },
        },
      },
      async (request) => ({ items: await deps.read.annotations(principalOf(request), request.params.id) }),
    );
    app.post(
      '/recordings/:id/annotations',
      {
        ...managers,
        schema: {
          tags,
          summary: 'Annotate a recording: a timestamped note (supervisors and admins who may read it)',
          params: recordingIdParams,
          body: annotationBody,
          response: { 201: annotationSchema },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await deps.read.annotate(principalOf(request), request.params.id, request.body)),
    );
  };
}
