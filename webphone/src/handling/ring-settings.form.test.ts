import { describe, expect, it } from 'vitest';
import { bodyOf, errorAt, fieldErrors, formOf, localProblems, type RingSettings } from './ring-settings.form';

const saved: RingSettings = {
  strategy: 'sequential',
  targets: [
    { kind: 'desk', delaySeconds: 0, timeoutSeconds: 15 },
    { kind: 'external', number: '+15551230000', delaySeconds: 15, timeoutSeconds: 20 },
  ],
  schedule: {
    timeZone: 'Europe/Paris',
    weekly: [{ days: ['mon', 'fri'], from: '08:30', to: '18:00' }],
    holidays: ['2026-12-25'],
    outsideHours: { forwardTo: '1099' },
  },
};

describe('ring settings form', () => {
  it('round-trips what the controller returns', () => {
    expect(bodyOf(formOf(saved, 'UTC'))).toEqual(saved);
  });

  it('no schedule: the form offers office hours in the PBX time zone, sent only when turned on', () => {
    const form = formOf({ strategy: 'simultaneous', targets: [] }, 'America/New_York');
    expect(form).toMatchObject({ scheduled: false, timeZone: 'America/New_York' });
    expect(bodyOf(form)).toEqual({ strategy: 'simultaneous', targets: [] });
    expect(bodyOf({ ...form, scheduled: true, holidays: '2026-01-01, 2026-07-04' }).schedule).toMatchObject({
      timeZone: 'America/New_York',
      holidays: ['2026-01-01', '2026-07-04'],
      outsideHours: {},
    });
  });

  it('seconds that are not whole numbers are named before anything is sent', () => {
    const form = formOf(saved, 'UTC');
    form.targets[0]!.delay = 'soon';
    form.targets[1]!.timeout = '2.5';
    expect(localProblems(form)).toEqual({
      'targets.0.delaySeconds': 'a whole number of seconds',
      'targets.1.timeoutSeconds': 'a whole number of seconds',
    });
    expect(localProblems(formOf(saved, 'UTC'))).toEqual({});
  });

  it("the controller's problems land on their fields (zod's body.… paths and the service's)", () => {
    const errors = fieldErrors(
      [
        { path: 'body.targets.0.kind', message: 'Invalid option' },
        { path: 'targets.1.number', message: '+1555 is not an outside number' },
        { path: 'targets.1.delaySeconds', message: 'must be 0 to 300 seconds' },
        { path: 'schedule.timeZone', message: 'unknown time zone Mars/Base' },
      ],
      'refused',
    );
    expect(errors).toEqual({
      'targets.0.kind': 'Invalid option',
      'targets.1.number': '+1555 is not an outside number',
      'targets.1.delaySeconds': 'must be 0 to 300 seconds',
      'schedule.timeZone': 'unknown time zone Mars/Base',
    });
    expect(errorAt(errors, 'targets.1.deviceId', 'targets.1.number')).toBe('+1555 is not an outside number');
    expect(fieldErrors(undefined, 'The settings were refused.')).toEqual({
      form: 'The settings were refused.',
    });
  });
});
