import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import {
  bodyOf,
  errorAt,
  fieldErrors,
  formOf,
  localProblems,
  newTarget,
  weekdays,
  type RingForm,
  type Strategy,
  type TargetKind,
} from '../handling/ring-settings.form';
import { useSession } from './context';

const strategies: { value: Strategy; label: string }[] = [
  { value: 'simultaneous', label: 'All at once' },
  { value: 'sequential', label: 'One after another' },
  { value: 'follow-me', label: 'Follow me (each as the last gives up)' },
];
const kinds: { value: TargetKind; label: string }[] = [
  { value: 'desk', label: 'Desk phone' },
  { value: 'webphone', label: 'Webphone' },
  { value: 'device', label: 'Another device' },
  { value: 'external', label: 'Mobile / outside number' },
];
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A field with its label and the controller's (or the form's) problem under it, linked for screen readers. */
function Field(props: {
  id: string;
  label: string;
  error: string | undefined;
  children: React.ReactElement;
}) {
  return (
    <div className={`field ${props.error ? 'invalid' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.error && (
        <span id={`${props.id}-error`} className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

const invalid = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};

/** Who rings when the user is called: strategy, targets with delays and timeouts, business hours. */
export function RingSettingsPanel({ userId }: { userId: string }) {
  const { handling } = useSession();
  const [form, setForm] = useState<RingForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [state, setState] = useState<'closed' | 'loading' | 'editing' | 'saving' | 'saved'>('closed');

  const open = () => {
    setState('loading');
    handling.ringSettings(userId).then(
      (settings) => {
        setForm(formOf(settings, browserZone()));
        setErrors({});
        setState('editing');
      },
      (error: unknown) => {
        setErrors({
          form: error instanceof ApiError ? error.message : 'The ring settings cannot be loaded.',
        });
        setState('closed');
      },
    );
  };
  const change = (next: Partial<RingForm>) => {
    setForm((current) => (current ? { ...current, ...next } : current));
    if (state === 'saved') setState('editing');
  };
  const changeTarget = (i: number, next: Partial<RingForm['targets'][number]>) =>
    form && change({ targets: form.targets.map((t, j) => (j === i ? { ...t, ...next } : t)) });
  const move = (i: number, by: number) => {
    if (!form) return;
    const targets = [...form.targets];
    const [moved] = targets.splice(i, 1);
    targets.splice(i + by, 0, moved!);
    change({ targets });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const local = localProblems(form);
    if (Object.keys(local).length > 0) return setErrors(local);
    setState('saving');
    handling.saveRingSettings(userId, bodyOf(form)).then(
      (settings) => {
        setForm(formOf(settings, browserZone()));
        setErrors({});
        setState('saved');
      },
      (error: unknown) => {
        setErrors(
          error instanceof ApiError
            ? fieldErrors(error.details, error.message)
            : { form: 'The PBX server cannot be reached. Try again.' },
        );
        setState('editing');
      },
    );
  };

  return (
    <section className="card panel" aria-labelledby="ring-title" data-testid="ring-settings">
      <h2 id="ring-title">Ring settings</h2>
      {state === 'closed' || !form ? (
        <>
          {errors.form && (
            <p className="field-error" role="alert">
              {errors.form}
            </p>
          )}
          <button type="button" className="ghost" onClick={open} disabled={state === 'loading'}>
            {state === 'loading' ? 'Loading…' : 'Edit ring settings'}
          </button>
        </>
      ) : (
        <form className="ring-form" onSubmit={submit} noValidate>
          <Field id="ring-strategy" label="Ring" error={errors.strategy}>
            <select
              id="ring-strategy"
              value={form.strategy}
              onChange={(e) => change({ strategy: e.target.value as Strategy })}
              {...invalid('ring-strategy', errors.strategy)}
            >
              {strategies.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <fieldset>
            <legend>Targets</legend>
            {form.targets.length === 0 && (
              <p className="empty">No targets: your desk phone and webphone ring.</p>
            )}
            {form.targets.map((target, i) => {
              const at = `targets.${i}`;
              const n = i + 1;
              const kindError = errorAt(errors, `${at}.kind`, at);
              const detailError = errorAt(errors, `${at}.deviceId`, `${at}.number`);
              return (
                <div key={i} className="ring-target" role="group" aria-label={`Target ${n}`}>
                  <Field id={`t${i}-kind`} label={`Target ${n}`} error={kindError}>
                    <select
                      id={`t${i}-kind`}
                      value={target.kind}
                      onChange={(e) => changeTarget(i, { kind: e.target.value as TargetKind, detail: '' })}
                      {...invalid(`t${i}-kind`, kindError)}
                    >
                      {kinds.map((k) => (
                        <option key={k.value} value={k.value}>
                          {k.label}
                        </option>
                      ))}
                    </select>
                  </Field>
                  {(target.kind === 'device' || target.kind === 'external') && (
                    <Field
                      id={`t${i}-detail`}
                      label={target.kind === 'device' ? `Target ${n} device` : `Target ${n} number`}
                      error={detailError}
                    >
                      <input
                        id={`t${i}-detail`}
                        value={target.detail}
                        inputMode={target.kind === 'external' ? 'tel' : 'text'}
                        onChange={(e) => changeTarget(i, { detail: e.target.value })}
                        {...invalid(`t${i}-detail`, detailError)}
                      />
                    </Field>
                  )}
                  <Field
                    id={`t${i}-delay`}
                    label={`Target ${n} delay (s)`}
                    error={errors[`${at}.delaySeconds`]}
                  >
                    <input
                      id={`t${i}-delay`}
                      inputMode="numeric"
                      value={target.delay}
                      onChange={(e) => changeTarget(i, { delay: e.target.value })}
                      {...invalid(`t${i}-delay`, errors[`${at}.delaySeconds`])}
                    />
                  </Field>
                  <Field
                    id={`t${i}-timeout`}
                    label={`Target ${n} rings for (s)`}
                    error={errors[`${at}.timeoutSeconds`]}
                  >
                    <input
                      id={`t${i}-timeout`}
                      inputMode="numeric"
                      value={target.timeout}
                      onChange={(e) => changeTarget(i, { timeout: e.target.value })}
                      {...invalid(`t${i}-timeout`, errors[`${at}.timeoutSeconds`])}
                    />
                  </Field>
                  <div className="target-actions">
                    <button
                      type="button"
                      className="ghost small"
                      aria-label={`Move target ${n} up`}
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="ghost small"
                      aria-label={`Move target ${n} down`}
                      disabled={i === form.targets.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="ghost small"
                      aria-label={`Remove target ${n}`}
                      onClick={() => change({ targets: form.targets.filter((_, j) => j !== i) })}
                    >
                      ✕
                    </button>
                  </div>
                </div>
              );
            })}
            <button
              type="button"
              className="ghost small"
              disabled={form.targets.length >= 10}
              onClick={() => change({ targets: [...form.targets, newTarget('external')] })}
            >
              Add a target
            </button>
          </fieldset>
          <fieldset>
            <legend>
              <label>
                <input
                  type="checkbox"
                  checked={form.scheduled}
                  onChange={(e) => change({ scheduled: e.target.checked })}
                />{' '}
                Business hours
              </label>
            </legend>
            {form.scheduled && (
              <>
                <Field id="ring-zone" label="Time zone" error={errors['schedule.timeZone']}>
                  <input
                    id="ring-zone"
                    value={form.timeZone}
                    onChange={(e) => change({ timeZone: e.target.value })}
                    {...invalid('ring-zone', errors['schedule.timeZone'])}
                  />
                </Field>
                {form.weekly.map((hours, i) => {
                  const error = errorAt(
                    errors,
                    `schedule.weekly.${i}`,
                    `schedule.weekly.${i}.from`,
                    `schedule.weekly.${i}.to`,
                    `schedule.weekly.${i}.days`,
                  );
                  const set = (next: Partial<typeof hours>) =>
                    change({ weekly: form.weekly.map((h, j) => (j === i ? { ...h, ...next } : h)) });
                  return (
                    <div key={i} className="ring-hours" role="group" aria-label={`Hours ${i + 1}`}>
                      <div className="days">
                        {weekdays.map((day) => (
                          <label key={day}>
                            <input
                              type="checkbox"
                              checked={hours.days.includes(day)}
                              onChange={(e) =>
                                set({
                                  days: e.target.checked
                                    ? weekdays.filter((d) => d === day || hours.days.includes(d))
                                    : hours.days.filter((d) => d !== day),
                                })
                              }
                            />
                            {day}
                          </label>
                        ))}
                      </div>
                      <Field id={`h${i}-from`} label={`Hours ${i + 1} from`} error={error}>
                        <input
                          id={`h${i}-from`}
                          value={hours.from}
                          placeholder="09:00"
                          onChange={(e) => set({ from: e.target.value })}
                          {...invalid(`h${i}-from`, error)}
                        />
                      </Field>
                      <Field id={`h${i}-to`} label={`Hours ${i + 1} to`} error={undefined}>
                        <input
                          id={`h${i}-to`}
                          value={hours.to}
                          placeholder="17:00"
                          onChange={(e) => set({ to: e.target.value })}
                        />
                      </Field>
                    </div>
                  );
                })}
                <Field
                  id="ring-holidays"
                  label="Holidays (YYYY-MM-DD, comma-separated)"
                  error={errorAt(
                    errors,
                    ...Object.keys(errors).filter((k) => k.startsWith('schedule.holidays')),
                  )}
                >
                  <input
                    id="ring-holidays"
                    value={form.holidays}
                    onChange={(e) => change({ holidays: e.target.value })}
                  />
                </Field>
                <Field
                  id="ring-outside"
                  label="Outside these hours, forward to"
                  error={errors['schedule.outsideHours.forwardTo']}
                >
                  <input
                    id="ring-outside"
                    inputMode="tel"
                    value={form.outsideForwardTo}
                    onChange={(e) => change({ outsideForwardTo: e.target.value })}
                    {...invalid('ring-outside', errors['schedule.outsideHours.forwardTo'])}
                  />
                </Field>
              </>
            )}
          </fieldset>
          {errors.form && (
            <p className="field-error" role="alert">
              {errors.form}
            </p>
          )}
          <div className="ring-actions">
            <button type="submit" className="primary" disabled={state === 'saving'}>
              {state === 'saving' ? 'Saving…' : 'Save ring settings'}
            </button>
            <button type="button" className="ghost" onClick={() => setState('closed')}>
              Close
            </button>
            {state === 'saved' && <span role="status">Saved.</span>}
          </div>
        </form>
      )}
    </section>
  );
}
